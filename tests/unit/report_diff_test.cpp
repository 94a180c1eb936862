// `netdiag diff`: what appeared, what was resolved, status changes, moved measurements, and
// when the pair counts as worse.
#include <catch2/catch.hpp>

#include "report/report_diff.hpp"
#include "report_samples.hpp"

using namespace netdiag;

namespace {

ProbeResult& probe(Report& r, const std::string& id) {
    for (auto& p : r.probes) {
        if (p.probe == id) return p;
    }
    FAIL("no probe " << id);
    throw;
}

}  // namespace

TEST_CASE("identical reports: nothing changed, nothing worse") {
    const auto r = testing::sample_report();
    const auto diff = diff_reports(r, r, {});
    CHECK(diff.appeared.empty());
    CHECK(diff.resolved.empty());
    CHECK(diff.status_changes.empty());
    CHECK(diff.moved.empty());
    CHECK_FALSE(diff.worse());
}

TEST_CASE("a finding that appears is worse, one that is resolved is not") {
    const auto before = testing::sample_report();
    auto after = before;
    probe(after, "host")
        .findings.push_back(testing::sample_finding("ND-HOST-002", Severity::warning, "host",
                                                    {{"interface", "eth0"}}));

    const auto worse = diff_reports(before, after, {});
    REQUIRE(worse.appeared.size() == 1);
    CHECK(worse.appeared[0].id == "ND-HOST-002");
    CHECK(worse.worse());
    CHECK(worse.worse_because[0] == "new warning finding ND-HOST-002: title of ND-HOST-002");

    const auto better = diff_reports(after, before, {});
    REQUIRE(better.resolved.size() == 1);
    CHECK(better.resolved[0].id == "ND-HOST-002");
    CHECK_FALSE(better.worse());

    // Below --fail-on, a new finding is listed but is not a regression.
    DiffOptions errors_only;
    errors_only.fail_on = Severity::error;
    CHECK_FALSE(diff_reports(before, after, errors_only).worse());
}

TEST_CASE("the same finding id about another interface is a different finding") {
    const auto before = testing::sample_report();
    auto after = before;
    probe(after, "host").findings[0].evidence["interface"] = "eth9";
    probe(after, "host").findings[0].title = "reworded";  // titles may vary; identity does not
    const auto diff = diff_reports(before, after, {});
    CHECK(diff.appeared.size() == 1);
    CHECK(diff.resolved.size() == 1);

    auto reworded = before;
    probe(reworded, "host").findings[0].title = "reworded";
    probe(reworded, "host").findings[0].evidence["errno"] = 99;  // an observation, not identity
    CHECK(diff_reports(before, reworded, {}).appeared.empty());
}

TEST_CASE("status changes: worse when the rank rises or a probe breaks") {
    const auto before = testing::sample_report();
    auto after = before;
    probe(after, "udp-batch").status = ProbeStatus::fail;
    probe(after, "wasi-af").status = ProbeStatus::pass;
    probe(after, "spice").status = ProbeStatus::error;
    const auto diff = diff_reports(before, after, {});
    REQUIRE(diff.status_changes.size() == 3);
    CHECK(diff.status_changes[0].probe == "udp-batch");
    CHECK(diff.status_changes[0].worse);
    CHECK(diff.status_changes[1].probe == "wasi-af");
    CHECK_FALSE(diff.status_changes[1].worse);
    CHECK(diff.status_changes[2].probe == "spice");
    CHECK(diff.status_changes[2].worse);
    CHECK(diff.worse_because.size() == 2);
}

TEST_CASE("measurements that moved more than the threshold are listed, identifiers are not") {
    const auto before = testing::sample_report();
    auto after = before;
    auto& paths = probe(after, "udp-batch").measurements["paths"];
    paths[0]["throughput"]["gbit_per_second"] = 1.1;  // +10%: under the default 20%
    paths[1]["throughput"]["gbit_per_second"] = 2.0;  // -60%
    auto& workers = probe(after, "shared-accept").measurements["patterns"][0]["workers"];
    workers[0]["pid"] = 999;  // a new process id every run: not a measurement

    const auto diff = diff_reports(before, after, {});
    REQUIRE(diff.moved.size() == 1);
    CHECK(diff.moved[0].probe == "udp-batch");
    CHECK(diff.moved[0].path == "paths/segmentation-cmsg/throughput/gbit_per_second");
    CHECK(diff.moved[0].relative == Approx(-0.6));
    CHECK_FALSE(diff.worse());  // a move is reported, not judged: direction depends on the figure

    DiffOptions tight;
    tight.threshold = 0.05;
    CHECK(diff_reports(before, after, tight).moved.size() == 2);
}

TEST_CASE("diff renders as text and JSON") {
    const auto before = testing::sample_report();
    auto after = before;
    probe(after, "host").findings.clear();
    const auto diff = diff_reports(before, after, {});
    const auto text = render_diff_text(diff, "old.json", "new.json");
    CHECK(text.find("netdiag diff old.json -> new.json") == 0);
    CHECK(text.find("Resolved findings (1)") != std::string::npos);
    CHECK(text.find("Nothing got worse.") != std::string::npos);
    const auto json = to_json(diff);
    CHECK(json["resolved"][0]["id"] == "ND-HOST-001");
    CHECK(json["worse"] == false);
}
