// Probe shared-accept as the Windows build runs it under Wine, checked against the same calls
// made by hand (tests/windows/iocp_raw_calls.cpp): whatever the platform does with a listening
// socket associated with a second I/O completion port, the report must say exactly that.
// Needs the Windows build (scripts/test-windows.sh) and wine64; SKIPPED with the reason otherwise.
#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include <nlohmann/json.hpp>

#include "wine_run.hpp"

namespace {

using nlohmann::json;

const json* pattern_of(const json& probe, const std::string& id) {
    for (const auto& p : probe["measurements"]["patterns"]) {
        if (p["id"] == id) return &p;
    }
    return nullptr;
}

// The native code of the first failure at `step` reported by any worker, or -1.
long long failure_code(const json& pattern, const std::string& step) {
    for (const auto& worker : pattern["workers"]) {
        for (const auto& failure : worker["failures"]) {
            if (failure["step"] == step) return failure["errno"].get<long long>();
        }
    }
    return -1;
}

}  // namespace

TEST_CASE("shared-accept under Wine: the threads-iocp report matches the raw Winsock calls",
          "[wine][shared-accept]") {
    if (const auto why = netdiag::testing::wine_unavailable(); !why.empty()) {
        NETDIAG_SKIP("wine", why);
    }
    const auto raw_run = netdiag::testing::run_under_wine("tests/netdiag_iocp_raw_calls.exe", "");
    INFO(raw_run.out << raw_run.err);
    REQUIRE(raw_run.code == 0);
    const auto raw = json::parse(raw_run.out);
    REQUIRE(raw["first_association"] == 0);  // the first completion port always takes the socket
    CHECK(raw["accept_posted"] == 997);      // WSA_IO_PENDING: AcceptEx waits for a client

    const auto run = netdiag::testing::run_under_wine(
        "src/cli/netdiag.exe",
        "probe shared-accept --accept-pattern threads-iocp --accept-connections 20 --format json");
    INFO(run.err);
    REQUIRE_FALSE(run.out.empty());
    const auto report = json::parse(run.out);
    const auto& probe = report["probes"][0];
    const auto* pattern = pattern_of(probe, "threads-iocp");
    REQUIRE(pattern != nullptr);
    INFO(pattern->dump(1));

    const auto second = raw["second_association"].get<long long>();
    const auto association_step = "CreateIoCompletionPort (associate the listening socket)";
    if (second == 0) {
        // A platform that lets a socket join two ports: the probe must not invent the failure.
        CHECK(failure_code(*pattern, association_step) == -1);
        return;
    }
    CHECK(failure_code(*pattern, association_step) == second);  // 87 on Windows and Wine
    CHECK(failure_code(*pattern, "AcceptEx completion") == raw["completion_after_close"]);
    CHECK((*pattern)["result"] == "fails");
    bool finding = false;
    for (const auto& f : probe["findings"]) {
        finding =
            finding || (f["id"] == "ND-ACCEPT-001" && f["evidence"]["pattern"] == "threads-iocp");
    }
    CHECK(finding);
    CHECK((report["summary"]["fail"] == 1));
}
