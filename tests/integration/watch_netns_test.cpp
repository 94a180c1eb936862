// `netdiag watch` against real link events: two network namespaces joined by a veth pair (root
// and iproute2; SKIPPED with the reason otherwise). netdiag runs in one namespace while the test
// takes its end of the link down and up on a schedule, removes and re-adds its address, or
// interrupts it; the report must say what happened.
#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include <chrono>
#include <cmath>
#include <iostream>
#include <thread>

#include "multicast/netns.hpp"
#include "report_lookup.hpp"
#include "watch/watch_run.hpp"

using namespace netdiag::testing;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// Namespace A (10.207.0.1, where netdiag runs) and B (10.207.0.2) on a veth pair.
struct LinkedPair {
    Netns a{"watch-a"};
    Netns b{"watch-b"};
    std::string va = "ndw" + std::to_string(getpid() % 100000) + "a";
    std::string vb = "ndw" + std::to_string(getpid() % 100000) + "b";

    bool setup() {
        return a.ok() && b.ok() &&
               shell("ip link add " + va + " netns " + a.name() + " type veth peer name " + vb +
                     " netns " + b.name()) == 0 &&
               a.run("ip addr add 10.207.0.1/24 dev " + va) == 0 &&
               b.run("ip addr add 10.207.0.2/24 dev " + vb) == 0 &&
               a.run("ip link set lo up") == 0 && a.run("ip link set " + va + " up") == 0 &&
               b.run("ip link set " + vb + " up") == 0;
    }
    int link(const char* state) const { return a.run("ip link set " + va + " " + state); }
};

const json* first_probe_finding(const json& report, const std::string& id) {
    return netdiag::test::find_by(report["probes"][0]["findings"], "id", id);
}

const json* drops_of(const json& report, const std::string& interface_name) {
    for (const auto& d : report["probes"][0]["measurements"]["drops"]) {
        if (d["interface"] == interface_name) return &d;
    }
    return nullptr;
}

// Takes the link down at each offset from now, and up again outage later.
void flap(const LinkedPair& pair, const std::vector<double>& drop_at_s, double outage_s) {
    const auto start = Clock::now();
    auto at = [&](double s) {
        return start +
               std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
    };
    for (const double s : drop_at_s) {
        std::this_thread::sleep_until(at(s));
        REQUIRE(pair.link("down") == 0);
        std::this_thread::sleep_until(at(s + outage_s));
        REQUIRE(pair.link("up") == 0);
    }
}

// Validates a report against docs/report.schema.json when python3-jsonschema is there.
void validate_schema(const std::string& path) {
    const int status = std::system(
        ("python3 \"" NETDIAG_SOURCE_DIR "/tests/integration/validate_report.py\" --file \"" +
         path + "\" \"" NETDIAG_SOURCE_DIR "/docs/report.schema.json\" >/dev/null 2>&1")
            .c_str());
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == 77) {
        // The rest of the test still runs; the marker makes ctest call the whole test skipped.
        netdiag::testing::report_skip("jsonschema", "python3-jsonschema is not installed");
        return;
    }
    CHECK(code == 0);
}

}  // namespace

TEST_CASE("watch: a link flapped every 2 s, 5 times, is 5 periodic drops with period 2 s",
          "[watch][netns][slow]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) {
        NETDIAG_SKIP("netns", reason);
    }
    LinkedPair pair;
    REQUIRE(pair.setup());
    BackgroundWatch watch(pair.a.name(), {"--duration", "12s", "--heartbeat", "10.207.0.2:9"});
    REQUIRE(watch.started_ok());
    REQUIRE(watch.wait_listening(std::chrono::seconds(5)));
    flap(pair, {0, 2, 4, 6, 8}, 1.0);
    const int code = watch.wait_exit(std::chrono::seconds(10));
    INFO(watch.output());
    CHECK(code == 1);  // an error finding
    const auto report = watch.report();
    REQUIRE(report.is_object());
    validate_schema(watch.report_path());

    const auto* drops = drops_of(report, pair.va);
    REQUIRE(drops != nullptr);
    CHECK((*drops)["drops"] == 5);
    CHECK((*drops)["periodic"] == true);
    const double period = (*drops)["period_s"].get<double>();
    CHECK(std::abs(period - 2.0) <= 0.3);
    const auto* periodic = first_probe_finding(report, "ND-WATCH-001");
    REQUIRE(periodic != nullptr);
    CHECK((*periodic)["evidence"]["interface"] == pair.va);
    // The heartbeat through the dropped link failed, and inside the outages.
    const auto* heartbeat = first_probe_finding(report, "ND-WATCH-004");
    REQUIRE(heartbeat != nullptr);
    CHECK((*heartbeat)["evidence"]["during_outages"].get<int>() > 0);
    std::cout << "watch flap: drops " << (*drops)["drops"] << ", period " << period << " s, jitter "
              << (*drops)["jitter_s"] << " s, cv " << (*drops)["cv"] << "\n";
}

TEST_CASE("watch: a link dropped at irregular intervals is not called periodic",
          "[watch][netns][slow]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) {
        NETDIAG_SKIP("netns", reason);
    }
    LinkedPair pair;
    REQUIRE(pair.setup());
    BackgroundWatch watch(pair.a.name(), {"--duration", "10s"});
    REQUIRE(watch.started_ok());
    REQUIRE(watch.wait_listening(std::chrono::seconds(5)));
    // Gaps 0.4, 2.6, 0.9, 3.2 s: coefficient of variation about 0.7.
    flap(pair, {0, 0.4, 3.0, 3.9, 7.1}, 0.2);
    const int code = watch.wait_exit(std::chrono::seconds(10));
    INFO(watch.output());
    CHECK(code == 0);  // warnings only
    const auto report = watch.report();
    REQUIRE(report.is_object());
    const auto* drops = drops_of(report, pair.va);
    REQUIRE(drops != nullptr);
    CHECK((*drops)["drops"] == 5);
    CHECK((*drops)["periodic"] == false);
    CHECK((*drops)["cv"].get<double>() > 0.15);
    CHECK(first_probe_finding(report, "ND-WATCH-001") == nullptr);
    REQUIRE(first_probe_finding(report, "ND-WATCH-002") != nullptr);
}

TEST_CASE("watch: an address removed and re-added is reported", "[watch][netns]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) {
        NETDIAG_SKIP("netns", reason);
    }
    LinkedPair pair;
    REQUIRE(pair.setup());
    BackgroundWatch watch(pair.a.name(), {"--duration", "2s", "--interface", pair.va});
    REQUIRE(watch.started_ok());
    REQUIRE(watch.wait_listening(std::chrono::seconds(5)));
    REQUIRE(pair.a.run("ip addr del 10.207.0.1/24 dev " + pair.va) == 0);
    // Re-add only once watch has seen the removal, so both events are its to report.
    REQUIRE(watch.wait_for_output("address_removed", std::chrono::seconds(5)));
    REQUIRE(pair.a.run("ip addr add 10.207.0.1/24 dev " + pair.va) == 0);
    const int code = watch.wait_exit(std::chrono::seconds(6));
    INFO(watch.output());
    CHECK(code == 0);
    const auto report = watch.report();
    REQUIRE(report.is_object());
    bool removed = false, re_added = false;
    for (const auto& e : report["timeline"]) {
        CHECK(e["interface"] == pair.va);  // --interface filters the rest out
        if (e["kind"] == "address_removed" && e["old"] == "10.207.0.1/24") removed = true;
        if (e["kind"] == "address_added" && e["new"] == "10.207.0.1/24" && removed) {
            re_added = true;
        }
    }
    CHECK(removed);
    CHECK(re_added);
    const auto* lost = first_probe_finding(report, "ND-WATCH-003");
    REQUIRE(lost != nullptr);
    CHECK((*lost)["evidence"]["addresses"][0]["removed"] == 1);
    CHECK((*lost)["evidence"]["addresses"][0]["re_added"] == 1);
}

TEST_CASE("watch: SIGINT mid-run ends it cleanly and still writes a valid report",
          "[watch][netns][exclusive]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) {
        NETDIAG_SKIP("netns", reason);
    }
    LinkedPair pair;
    REQUIRE(pair.setup());
    BackgroundWatch watch(pair.a.name(), {"--duration", "60s"});
    REQUIRE(watch.started_ok());
    REQUIRE(watch.wait_listening(std::chrono::seconds(5)));
    REQUIRE(pair.link("down") == 0);
    REQUIRE(watch.wait_for_output("link_down", std::chrono::seconds(5)));
    const auto interrupted_at = Clock::now();
    watch.interrupt();
    const int code = watch.wait_exit(std::chrono::seconds(5));
    INFO(watch.output());
    CHECK(code == 130);
    CHECK(Clock::now() - interrupted_at < std::chrono::seconds(2));
    const auto report = watch.report();
    REQUIRE(report.is_object());
    CHECK(report["interrupted"] == true);
    CHECK(report["duration_ms"].get<int>() < 10000);
    const auto* drops = drops_of(report, pair.va);
    REQUIRE(drops != nullptr);
    CHECK((*drops)["drops"] == 1);
    CHECK(watch.output().find("watch: ") != std::string::npos);  // the summary was printed
    validate_schema(watch.report_path());
}
