// `netdiag probe shared-accept` as a user runs it: a per-worker table, a JSON report whose
// numbers add up, and no accept-worker process left behind, even when the deadline cuts the
// run short.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "accept_process_helpers.hpp"
#include "run_binary.hpp"

using netdiag::testing::processes_with;
using netdiag::testing::run_netdiag;

namespace {

// Workers are re-executions of the binary under test with the hidden subcommand.
std::vector<int> leftover_workers() {
    return processes_with({"accept-worker", "--pattern"});
}

}  // namespace

// Each pattern gets a share of the probe's deadline to start its workers. A sanitizer build's
// workers are a several times larger binary that starts several times slower, so there the
// deadline is longer; what the case checks does not depend on it.
#ifdef NETDIAG_SANITIZED
constexpr const char* probe_command = "probe shared-accept --timeout 20s";
#else
constexpr const char* probe_command = "probe shared-accept";
#endif

TEST_CASE("cli: probe shared-accept prints a per-worker table and serves every connection") {
    const auto before = leftover_workers();
    const auto text = run_netdiag(probe_command);
    CHECK(text.code == 0);
    CHECK(text.out.find("shared-accept") != std::string::npos);
    CHECK(text.out.find("worker  pid") != std::string::npos);
    CHECK(text.out.find("inherit-epoll: 200 of 200 connections served") != std::string::npos);

    const auto json = run_netdiag(std::string(probe_command) + " --format json -q");
    CHECK(json.code == 0);
    const auto report = nlohmann::json::parse(json.out);
    const auto& probe = report["probes"][0];
    CHECK(probe["id"] == "shared-accept");
    const auto& patterns = probe["measurements"]["patterns"];
    REQUIRE(patterns.size() == 4);
    for (const auto& p : patterns) {
        INFO(p.dump());
        CHECK(p["result"] == "works");
        CHECK(p["served"] == 200);
        std::uint64_t served = 0;
        for (const auto& w : p["workers"]) served += w["served"].get<std::uint64_t>();
        CHECK(served == 200);
        CHECK(p["workers"].size() == 4);
    }
    CHECK(leftover_workers() == before);
}

TEST_CASE("cli: a short deadline cuts shared-accept short and leaves no worker behind") {
    const auto before = leftover_workers();
    for (const char* timeout : {"400ms", "120ms", "30ms"}) {
        const auto run =
            run_netdiag(std::string("probe shared-accept --format json -q --timeout ") + timeout);
        INFO(timeout << " " << run.err);
        CHECK(run.code <= 1);
        CHECK(leftover_workers() == before);
    }
}

TEST_CASE("cli: the worker subcommand is hidden from help") {
    const auto help = run_netdiag("--help");
    CHECK(help.out.find("accept-worker") == std::string::npos);
    const auto list = run_netdiag("list");
    CHECK(list.out.find("shared-accept") != std::string::npos);
    CHECK(list.out.find("ND-ACCEPT-001") != std::string::npos);
}
