// The checked-in fixture modules must be what their sources build (tests/fixtures/wasm/build.sh).
#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

[[maybe_unused]] std::vector<char> slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
}

[[maybe_unused]] bool have(const char* tool) {
    return std::system(("command -v " + std::string(tool) + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace

// The fixture checks run the Linux tools (wat2wasm, python3) the fixtures are made with; the
// Windows build under Wine reads the same fixtures but cannot run those tools.
#ifndef _WIN32
TEST_CASE("Fixture .wasm files match their .wat sources", "[wasm][fixtures]") {
    if (!have("wat2wasm")) {
        NETDIAG_SKIP("wabt", "wat2wasm (Debian package wabt) is not installed");
    }
    const fs::path dir = fs::path(NETDIAG_FIXTURES_DIR) / "wasm";
    const fs::path tmp = fs::temp_directory_path() / "netdiag-wasm-fixture-check";
    fs::create_directories(tmp);
    int checked = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".wat") continue;
        const fs::path built = tmp / entry.path().filename().replace_extension(".wasm");
        const std::string cmd = "wat2wasm --debug-names \"" + entry.path().string() + "\" -o \"" +
                                built.string() + "\"";
        INFO(cmd);
        REQUIRE(std::system(cmd.c_str()) == 0);
        const fs::path checked_in = fs::path(entry.path()).replace_extension(".wasm");
        CHECK(slurp(built) == slurp(checked_in));
        ++checked;
    }
    CHECK(checked >= 12);
    fs::remove_all(tmp);
}

TEST_CASE("Malformed fixtures match make_malformed.py", "[wasm][fixtures]") {
    if (!have("python3")) {
        NETDIAG_SKIP("python3", "python3 is not installed");
    }
    const fs::path dir = fs::path(NETDIAG_FIXTURES_DIR) / "wasm";
    const fs::path tmp = fs::temp_directory_path() / "netdiag-wasm-malformed-check";
    fs::remove_all(tmp);
    const std::string cmd =
        "python3 \"" + (dir / "make_malformed.py").string() + "\" \"" + tmp.string() + "\"";
    REQUIRE(std::system(cmd.c_str()) == 0);
    int checked = 0;
    for (const auto& entry : fs::directory_iterator(tmp)) {
        INFO(entry.path().filename().string());
        CHECK(slurp(entry.path()) == slurp(dir / "malformed" / entry.path().filename()));
        ++checked;
    }
    CHECK(checked >= 17);
    fs::remove_all(tmp);
}
#endif  // _WIN32
