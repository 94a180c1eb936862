// The spice probe against a real SPICE server: Debian's QEMU, started by the test (CPU paused,
// no disk, loopback only), without and with a password. QEMU must still be alive afterwards:
// the probe links only the main channel. SKIPPED where QEMU is missing or cannot start.
#include <set>
#include <utility>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include "test_skip.hpp"

#include "run_binary.hpp"
#include "spice/qemu_spice.hpp"

using netdiag::testing::QemuSpice;
using netdiag::testing::run_netdiag;

namespace {

struct SpiceRun {
    netdiag::testing::BinaryRun binary;
    nlohmann::json probe;
};

SpiceRun run_spice_binary(const std::string& args, const std::string& env = "") {
    SpiceRun run;
    run.binary = run_netdiag("probe spice --format json " + args, env);
    const auto report = nlohmann::json::parse(run.binary.out, nullptr, false);
    if (report.is_object()) {
        for (const auto& p : report["probes"]) {
            if (p.value("id", "") == "spice") run.probe = p;
        }
    }
    return run;
}

const nlohmann::json* finding(const SpiceRun& run, const std::string& id) {
    if (!run.probe.is_object()) return nullptr;
    for (const auto& f : run.probe["findings"]) {
        if (f.value("id", "") == id) return &f;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("spice probe against QEMU: lists its channels and passes", "[spice][qemu]") {
    QemuSpice qemu;
    if (!qemu.skip_reason().empty()) {
        NETDIAG_SKIP("qemu", qemu.skip_reason());
    }
    const auto run = run_spice_binary("--spice " + qemu.target() + " --spice-watch 1s");
    INFO(run.binary.out << run.binary.err << qemu.log());
    REQUIRE(run.probe.is_object());
    CHECK(run.binary.code == 0);
    CHECK(run.probe["status"] == "pass");
    CHECK(run.probe["findings"].empty());
    const auto& t = run.probe["measurements"]["targets"][0];
    CHECK(t["protocol"] == "2.2");
    CHECK(t["mini_header"] == true);
    CHECK(t["link_result"] == "OK");
    std::set<std::pair<int, int>> channels;
    for (const auto& c : t["lists"][0]["channels"])
        channels.insert({c[0].get<int>(), c[1].get<int>()});
    // RECORD, PLAYBACK, DISPLAY, CURSOR, INPUTS: QXL plus HDA on a SPICE audiodev.
    CHECK(channels == std::set<std::pair<int, int>>{{6, 0}, {5, 0}, {2, 0}, {4, 0}, {3, 0}});
    CHECK(t["watched_ms"].get<int>() >= 900);

    const auto text =
        run_netdiag("probe spice --spice " + qemu.target() + " --spice-watch 200ms", "NO_COLOR=1 ");
    INFO(text.out);
    CHECK(text.code == 0);
    CHECK_THAT(text.out, Catch::Contains("SPICE 2.2, mini header, 1 list(s)"));
    CHECK_THAT(text.out, Catch::Contains("PLAYBACK"));
    CHECK_THAT(text.out, Catch::Contains("RECORD"));

    CHECK(qemu.alive());
}

TEST_CASE("spice probe against QEMU with a password", "[spice][qemu]") {
    QemuSpice qemu("n3tdiag-pw");
    if (!qemu.skip_reason().empty()) {
        NETDIAG_SKIP("qemu", qemu.skip_reason());
    }
    const auto base = "--spice " + qemu.target() + " --spice-watch 200ms";

    const auto none = run_spice_binary(base, "env -u SPICE_PASSWORD ");
    INFO(none.binary.out << none.binary.err);
    const auto* required = finding(none, "ND-SPICE-004");
    REQUIRE(required != nullptr);
    CHECK((*required)["title"] == "SPICE server at " + qemu.target() + " requires a password");
    CHECK((*required)["evidence"]["link_result"] == "PERMISSION_DENIED");
    CHECK(none.binary.code == 1);

    const auto wrong = run_spice_binary(base + " --spice-password wrong", "env -u SPICE_PASSWORD ");
    const auto* refused = finding(wrong, "ND-SPICE-004");
    REQUIRE(refused != nullptr);
    CHECK((*refused)["title"] == "SPICE server at " + qemu.target() + " refused the password");

    const auto right = run_spice_binary(base, "SPICE_PASSWORD=n3tdiag-pw ");
    INFO(right.binary.out);
    CHECK(right.probe["status"] == "pass");
    CHECK(right.probe["measurements"]["targets"][0]["lists"][0]["channels"].size() == 5);
    CHECK(right.binary.code == 0);

    CHECK(qemu.alive());
}
