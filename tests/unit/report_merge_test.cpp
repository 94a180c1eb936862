// `netdiag merge`: which hosts have each finding, per-probe status counts, distinct host names.
#include <catch2/catch.hpp>

#include "report/report_merge.hpp"
#include "report_samples.hpp"

using namespace netdiag;

TEST_CASE("merge groups findings by id across hosts and counts probe statuses") {
    auto a = testing::sample_report("alpha");
    auto b = testing::sample_report("beta");
    b.probes[0].findings.clear();  // beta has no host finding
    b.probes[0].status = ProbeStatus::pass;
    auto c = testing::sample_report("gamma");
    c.probes[3].findings.push_back(c.probes[3].findings[0]);  // twice on one host

    const auto fleet = merge_reports({{"a.json", a}, {"b.json", b}, {"c.json", c}});
    REQUIRE(fleet.hosts.size() == 3);
    REQUIRE(fleet.findings.size() == 2);
    // Worst severity first.
    CHECK(fleet.findings[0].id == "ND-WASM-002");
    CHECK(fleet.findings[0].hosts == std::vector<std::string>{"alpha", "beta", "gamma"});
    CHECK(fleet.findings[0].occurrences == 4);
    CHECK(fleet.findings[1].id == "ND-HOST-001");
    CHECK(fleet.findings[1].hosts == std::vector<std::string>{"alpha", "gamma"});

    REQUIRE(fleet.probes[0].id == "host");
    CHECK(fleet.probes[0].hosts_by_status.at("warn").size() == 2);
    CHECK(fleet.probes[0].hosts_by_status.at("pass") == std::vector<std::string>{"beta"});
    CHECK(fleet.worst() == Severity::error);

    const auto json = to_json(fleet);
    CHECK(json["schema"] == "netdiag.fleet/1");
    CHECK(json["probes"][0]["counts"]["warn"] == 2);
    CHECK(json["probes"][0]["counts"]["fail"] == 0);
    const auto text = render_fleet_text(fleet);
    CHECK(text.find("netdiag fleet summary: 3 hosts") == 0);
    CHECK(text.find("ND-HOST-001   2 of 3 hosts") != std::string::npos);
}

TEST_CASE("redacted reports with the same host name stay distinct hosts") {
    const auto r = testing::sample_report("host-1");
    const auto fleet = merge_reports({{"x/one.json", r}, {"y/two.json", r}, {"z/two.json", r}});
    REQUIRE(fleet.hosts.size() == 3);
    CHECK(fleet.hosts[0].name == "host-1");
    CHECK(fleet.hosts[1].name == "host-1 (two.json)");
    CHECK(fleet.hosts[2].name == "host-1 (two.json #2)");
    CHECK(fleet.findings[0].hosts.size() == 3);
}

TEST_CASE("an empty fleet and a clean fleet have no worst severity") {
    CHECK_FALSE(merge_reports({}).worst());
    auto clean = testing::sample_report();
    for (auto& p : clean.probes) p.findings.clear();
    CHECK_FALSE(merge_reports({{"c.json", clean}}).worst());
}
