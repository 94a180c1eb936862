// `netdiag probe wasi-af --wasm FILE...` as a user runs it: exit codes, JSON findings, .wat
// input, folders, missing files and malformed modules.
#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "run_binary.hpp"

using netdiag::testing::run_netdiag;

namespace {

const std::string kWasm = std::string(NETDIAG_FIXTURES_DIR) + "/wasm";

nlohmann::json wasi_af_result(const std::string& args) {
    const auto run = run_netdiag("probe wasi-af --format json " + args);
    INFO(run.err);
    REQUIRE((run.code == 0 || run.code == 1));
    const auto report = nlohmann::json::parse(run.out);
    for (const auto& p : report["probes"]) {
        if (p["id"] == "wasi-af") return p;
    }
    FAIL("no wasi-af result in the report");
    return {};
}

std::vector<std::string> finding_ids(const nlohmann::json& probe) {
    std::vector<std::string> ids;
    for (const auto& f : probe["findings"]) ids.push_back(f["id"]);
    return ids;
}

bool have_wat2wasm() {
    return std::system("command -v wat2wasm >/dev/null 2>&1") == 0;
}

}  // namespace

TEST_CASE("wasi-af: the correct case passes with exit 0, the wrong ones exit 1") {
    CHECK(run_netdiag("probe wasi-af -q --wasm \"" + kWasm + "/case_correct.wasm\"").code == 0);
    const auto bad = run_netdiag("probe wasi-af -q --wasm \"" + kWasm + "/family2_ipv4.wasm\"");
    CHECK(bad.code == 1);
    // The byte-order finding is a warning: exit 0 at the default --fail-on error, 1 at warning.
    const std::string port = " --wasm \"" + kWasm + "/case_port_network_order.wasm\"";
    CHECK(run_netdiag("probe wasi-af -q" + port).code == 0);
    CHECK(run_netdiag("probe wasi-af -q --fail-on warning" + port).code == 1);
}

TEST_CASE("wasi-af: several files in one run, findings name file, function and offset") {
    const auto p = wasi_af_result("--wasm \"" + kWasm + "/listen_without_bind.wasm\" \"" + kWasm +
                                  "/family2_ipv4.wasm\"");
    CHECK(p["status"] == "fail");
    REQUIRE(finding_ids(p) == std::vector<std::string>{"ND-WASM-006", "ND-WASM-001"});
    const auto& listen = p["findings"][0];
    CHECK(listen["evidence"]["file"] == kWasm + "/listen_without_bind.wasm");
    CHECK(listen["evidence"]["function"] == "listener");
    CHECK(listen["evidence"]["offset"] == "0xa6");
    CHECK(listen["docs"] == "docs/findings/ND-WASM-006.md");
    CHECK(p["measurements"]["files"].size() == 2);
}

TEST_CASE("wasi-af: without --wasm the probe is skipped with the reason") {
    const auto p = wasi_af_result("");
    CHECK(p["status"] == "skip");
    CHECK(p["reason"].get<std::string>().find("--wasm") != std::string::npos);
}

TEST_CASE("wasi-af: malformed modules are findings with precise errors, never exit 3") {
    const auto p = wasi_af_result("--wasm \"" + kWasm + "/malformed\"");
    // Every file of the folder gives exactly one finding, and the probe itself did not break.
    std::size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(kWasm + "/malformed")) {
        files += e.path().extension() == ".wasm";
    }
    REQUIRE(p["findings"].size() == files);
    CHECK(p["status"] == "fail");
    for (const auto& f : p["findings"]) {
        INFO(f.dump());
        CHECK(f["id"] == "ND-WASM-010");
        CHECK(f["detail"].get<std::string>().find("offset") != std::string::npos);
    }
}

TEST_CASE("wasi-af: a missing file is reported by the probe, exit 1") {
    const auto run = run_netdiag("probe wasi-af --format json --wasm /nonexistent/app.wasm");
    CHECK(run.code == 1);
    const auto report = nlohmann::json::parse(run.out);
    bool found = false;
    for (const auto& p : report["probes"]) {
        for (const auto& f : p["findings"]) {
            found = found || (f["id"] == "ND-WASM-011" && f["detail"].get<std::string>().find(
                                                              "no such file") != std::string::npos);
        }
    }
    CHECK(found);
}

TEST_CASE("wasi-af: .wat input goes through wat2wasm") {
    if (!have_wat2wasm()) {
        NETDIAG_SKIP("wabt", "wat2wasm (Debian package wabt) is not installed");
    }
    const auto p = wasi_af_result("--wasm \"" + kWasm + "/listen_without_bind.wat\"");
    REQUIRE(finding_ids(p) == std::vector<std::string>{"ND-WASM-006"});
    CHECK(p["findings"][0]["evidence"]["function"] == "listener");

    const auto dir = std::filesystem::temp_directory_path() / "netdiag-wasm-it";
    std::filesystem::create_directories(dir);
    const auto broken = (dir / "broken.wat").string();
    std::ofstream(broken) << "(module (func $f (i32.const 1)\n";
    const auto q = wasi_af_result("--wasm \"" + broken + "\"");
    REQUIRE(finding_ids(q) == std::vector<std::string>{"ND-WASM-011"});
    CHECK(q["findings"][0]["detail"].get<std::string>().find("broken.wat:2") != std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("wasi-af: .wat input without wat2wasm on PATH gives a clear finding") {
    const auto run =
        run_netdiag("probe wasi-af --format json --wasm \"" + kWasm + "/case_correct.wat\"",
                    "PATH=/nonexistent ");
    CHECK(run.code == 1);
    CHECK(run.out.find("wat2wasm not found on PATH") != std::string::npos);
}

TEST_CASE("wasi-af: every module of the fuzz corpus gives a result or a precise error",
          "[wasm][fuzz-corpus]") {
    // The seeds and the inputs fuzzing found new paths with: mostly broken in ways no compiler
    // produces. Each must be read to the end or refused with the offset where it went wrong,
    // and the probe itself must never break.
    const std::string corpus = std::string(NETDIAG_SOURCE_DIR) + "/tests/fuzz/corpus/wasm";
    std::size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(corpus)) {
        files += e.path().extension() == ".wasm";
    }
    REQUIRE(files > 100);
    const auto p = wasi_af_result("--wasm \"" + corpus + "\"");
    CHECK(p["status"] == "fail");
    CHECK(p["measurements"]["files"].size() == files);
    std::size_t malformed = 0;
    for (const auto& f : p["findings"]) {
        INFO(f.dump());
        CHECK(f["evidence"].contains("file"));
        if (f["id"] == "ND-WASM-010") {
            ++malformed;
            CHECK(f["detail"].get<std::string>().find("offset") != std::string::npos);
        }
    }
    CHECK(malformed > 0);
}
