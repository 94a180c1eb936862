// `netdiag probe --all` under valgrind memcheck, with every probe given something to do: the
// wasm fixtures (malformed ones included), a real QEMU as SPICE server, and the shared-accept
// workers followed into their own processes. Any memory error or leak in any of those
// processes fails the test with valgrind's report.
// Needs valgrind (SKIPPED otherwise); not run in sanitizer builds, which valgrind cannot run.
#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "run_binary.hpp"
#include "spice/qemu_spice.hpp"

namespace fs = std::filesystem;
using netdiag::testing::QemuSpice;
using netdiag::testing::run_netdiag;
using netdiag::testing::slurp;

namespace {

constexpr int kValgrindErrorExit = 99;

bool have_valgrind() {
    return std::system("command -v valgrind >/dev/null 2>&1") == 0;
}

}  // namespace

// Not in sanitizer builds: valgrind cannot run them, so the case is not registered there.
#ifndef NETDIAG_SANITIZED
TEST_CASE("probe --all under valgrind memcheck: no error, no leak, workers included",
          "[valgrind][slow][exclusive]") {
    if (!have_valgrind()) {
        NETDIAG_SKIP("valgrind", "valgrind not installed (apt-get install valgrind)");
    }
    const auto dir = fs::temp_directory_path() / "netdiag-valgrind";
    fs::remove_all(dir);
    fs::create_directories(dir);

    std::string spice;
    QemuSpice qemu;
    if (qemu.skip_reason().empty()) {
        spice = " --spice " + qemu.target();
    } else {
        WARN("spice probe not covered: " << qemu.skip_reason());
    }

    // One log per process (%p): the parent and each accept worker.
    const std::string valgrind =
        "valgrind -q --trace-children=yes --leak-check=full "
        "--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=" +
        std::to_string(kValgrindErrorExit) + " --log-file=\"" + (dir / "memcheck.%p").string() +
        "\" ";
    const auto report_path = (dir / "report.json").string();
    // Valgrind slows everything tens of times: the probes get a deadline to match.
    const auto run =
        run_netdiag("probe --all --multicast-interface lo --timeout 120s -q --wasm \"" +
                        std::string(NETDIAG_FIXTURES_DIR) + "/wasm\"" + spice +
                        " --format json -o \"" + report_path + "\"",
                    valgrind);
    INFO(run.err);

    std::size_t processes = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().filename().string().rfind("memcheck.", 0) != 0) continue;
        ++processes;
        const auto log = slurp(entry.path());
        INFO(entry.path().string());
        CHECK(log.empty());
    }
    CHECK(run.code != kValgrindErrorExit);
    // The wasm fixtures hold wrong modules on purpose: exit 1, never 3 (a probe broke).
    CHECK(run.code == 1);
    // The parent and 4 workers for each of the 3 process patterns ran under valgrind.
    CHECK(processes >= 13);

    REQUIRE(fs::exists(report_path));
    const auto report = nlohmann::json::parse(slurp(report_path));
    for (const auto& probe : report["probes"]) {
        INFO(probe["id"] << ": " << probe.value("reason", ""));
        CHECK(probe["status"] != "error");
        if (probe["id"] == "shared-accept") {
            // A worker that valgrind failed would show as a worker that exited early.
            for (const auto& finding : probe["findings"]) CHECK(finding["id"] != "ND-ACCEPT-003");
        }
    }
    fs::remove_all(dir);
}
#endif  // NETDIAG_SANITIZED
