// wasi-af over compiler output: the C programs in tests/fixtures/wasm/compiled/ built by clang at
// -O0 -O1 -O2 -O3 -Os -Oz, and the Rust program built by rustc at opt-level 0 and 3, each in its
// correct form and in three wrong forms (build_compiled.sh). Built at test time, once for the
// native and the sanitizer parts of the test command alike (see compiled_fixtures). The correct
// builds must be clean with every socket call judged; each wrong build must get exactly its
// finding, at the right call: the function and byte offset are checked against `wasm-objdump -d` of
// the same file.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_binary.hpp"
#include "test_skip.hpp"

namespace fs = std::filesystem;
using netdiag::testing::run_netdiag;

namespace {

const fs::path kPrograms = fs::path(NETDIAG_FIXTURES_DIR) / "wasm" / "compiled";

bool have(const std::string& tool) {
    return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

std::string capture(const std::string& command) {
    std::string out;
    if (FILE* p = popen(command.c_str(), "r")) {
        char buf[4096];
        std::size_t n;
        while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
        pclose(p);
    }
    return out;
}

// Offset of each call instruction -> {function holding it, import called}, from wasm-objdump.
struct CallSite {
    std::string function;
    std::string callee;
};
std::map<std::string, CallSite> socket_call_sites(const fs::path& wasm) {
    std::map<std::string, CallSite> sites;
    const std::regex func_header(R"(^[0-9a-f]+ func\[\d+\] <(.*)>:$)");
    std::string current;
    std::istringstream lines(capture("wasm-objdump -d \"" + wasm.string() + "\""));
    // Imports are named by wasm-objdump after the import's name-section name; map them through
    // the import table to their field ("sock_open").
    std::map<std::string, std::string> import_field;
    {
        std::istringstream x(capture("wasm-objdump -x -j Import \"" + wasm.string() + "\""));
        const std::regex imp(R"(^ - func\[\d+\] sig=\d+ <(.*)> <- [^.]+\.(\S+)$)");
        std::smatch m;
        for (std::string l; std::getline(x, l);) {
            if (std::regex_match(l, m, imp)) import_field[m[1]] = m[2];
        }
    }
    std::smatch m;
    for (std::string l; std::getline(lines, l);) {
        if (std::regex_match(l, m, func_header)) {
            current = m[1];
            continue;
        }
        // "| call 1 <sock_bind>", indented by block depth after the bar.
        const auto bar = l.find('|');
        if (bar == std::string::npos) continue;
        const auto call = l.find_first_not_of(' ', bar + 1);
        if (call == std::string::npos || l.compare(call, 5, "call ") != 0) continue;
        const auto lt = l.find('<', call), gt = l.rfind('>');
        if (lt == std::string::npos || gt == std::string::npos) continue;
        const std::string callee = l.substr(lt + 1, gt - lt - 1);
        auto field = import_field.find(callee);
        if (field == import_field.end() || field->second.rfind("sock_", 0) != 0) continue;
        std::size_t start = l.find_first_not_of(' ');
        const std::string offset = l.substr(start, l.find(':') - start);
        sites["0x" + offset] = {current, field->second};
    }
    return sites;
}

// "0x00001a" (wasm-objdump) and "0x1a" (netdiag) name the same offset.
std::string canonical_offset(const std::string& hex) {
    return "0x" + std::to_string(std::stoull(hex, nullptr, 16));
}

struct Expected {
    std::string id;
    std::string call;  // the socket call the finding must point at
};

std::vector<Expected> expected_for(const std::string& variant) {
    if (variant == "posix_family")
        return {{"ND-WASM-001", "sock_open"}, {"ND-WASM-004", "sock_bind"}};
    if (variant == "network_port") return {{"ND-WASM-005", "sock_bind"}};
    if (variant == "no_bind") return {{"ND-WASM-006", "sock_listen"}};
    return {};
}

// The folder holding `compiler`'s builds of the fixtures. What the compiler makes depends only
// on the sources, the build script and the compiler itself, so the folder is named by a hash of
// all three and kept beside the build trees (build/wasm-compiled-cache/): the sanitizer part
// lints the same files the native part built, instead of spending a minute of both cores on
// compiling them again. A changed source, script or compiler gets a folder of its own. A build
// goes to a temporary folder renamed into place only once it succeeded.
fs::path compiled_fixtures(const std::string& compiler) {
    const std::string versions = compiler == "clang" ? "clang --version; wasm-ld --version"
                                                     : "/usr/bin/rustc --version --verbose";
    const std::string key =
        capture("cd \"" + kPrograms.string() + "\" && { cat build_compiled.sh *.c *.h *.rs; " +
                versions + "; } 2>&1 | sha256sum | cut -c1-16");
    REQUIRE(key.size() >= 16);
    const fs::path cache =
        fs::path(NETDIAG_TEST_BUILD_DIR).parent_path().parent_path() / "wasm-compiled-cache";
    const fs::path out = cache / (compiler + "-" + key.substr(0, 16));
    if (fs::exists(out)) return out;
    const fs::path partial =
        cache / (compiler + "-" + key.substr(0, 16) + ".partial-" + std::to_string(::getpid()));
    fs::remove_all(partial);
    const std::string build = "\"" + (kPrograms / "build_compiled.sh").string() + "\" " + compiler +
                              " \"" + partial.string() + "\" 2>&1";
    INFO(build);
    const std::string log = capture(build + "; echo \"exit=$?\"");
    INFO(log);
    REQUIRE(log.find("exit=0") != std::string::npos);
    std::error_code ec;
    fs::rename(partial, out, ec);  // another run may have put the same build there first
    if (ec) fs::remove_all(partial);
    return out;
}

// Lints `compiler`'s builds in one run, checks every file, writes the table beside the tests.
void check_compiled(const std::string& compiler, std::size_t expected_files) {
    const fs::path out = compiled_fixtures(compiler);

    const auto run = run_netdiag("probe wasi-af --format json --wasm \"" + out.string() + "\"");
    INFO(run.err);
    REQUIRE((run.code == 0 || run.code == 1));
    const auto report = nlohmann::json::parse(run.out);
    nlohmann::json probe;
    for (const auto& p : report["probes"]) {
        if (p["id"] == "wasi-af") probe = p;
    }
    REQUIRE(probe.is_object());
    std::map<std::string, std::vector<nlohmann::json>> by_file;
    for (const auto& f : probe["findings"]) by_file[f["evidence"]["file"]].push_back(f);
    std::map<std::string, nlohmann::json> measured;
    for (const auto& m : probe["measurements"]["files"]) measured[m["file"]] = m;

    const fs::path tables = fs::path(NETDIAG_TEST_BUILD_DIR) / "wasm-compiled";
    fs::create_directories(tables);
    std::ofstream table(tables / (compiler + "-table.md"));
    table << "| fixture | level | findings (id at function+offset) | judged / socket calls |\n"
          << "|---|---|---|---|\n";
    std::size_t files = 0;
    std::set<fs::path> wasm_files;
    for (const auto& e : fs::directory_iterator(out)) {
        if (e.path().extension() == ".wasm") wasm_files.insert(e.path());
    }
    for (const fs::path& wasm : wasm_files) {
        ++files;
        // PROGRAM.VARIANT.LEVEL.wasm
        const std::string stem = wasm.stem().string();
        const auto dot1 = stem.find('.'), dot2 = stem.rfind('.');
        const std::string program = stem.substr(0, dot1);
        const std::string variant = stem.substr(dot1 + 1, dot2 - dot1 - 1);
        const std::string level = stem.substr(dot2 + 1);
        INFO(wasm.filename().string());
        const auto sites = socket_call_sites(wasm);
        std::map<std::string, CallSite> site_by_offset;
        for (const auto& [off, site] : sites) site_by_offset[canonical_offset(off)] = site;

        std::vector<std::string> seen;
        std::string shown;
        for (const auto& f : by_file[wasm.string()]) {
            const std::string id = f["id"];
            if (f["severity"] == "info") {
                CHECK(id != "ND-WASM-013");  // every socket call judged
                continue;
            }
            const std::string offset = f["evidence"].value("offset", std::string());
            const std::string function = f["evidence"].value("function", std::string());
            auto site = site_by_offset.find(canonical_offset(offset.empty() ? "0" : offset));
            INFO(id << " at " << function << "+" << offset);
            REQUIRE(site != site_by_offset.end());
            CHECK(site->second.function == function);
            seen.push_back(id + " " + site->second.callee);
            shown += (shown.empty() ? "" : "; ") + id + " at " + site->second.callee + " in " +
                     function + "+" + offset;
        }
        std::vector<std::string> want;
        for (const Expected& x : expected_for(variant)) want.push_back(x.id + " " + x.call);
        std::sort(seen.begin(), seen.end());
        std::sort(want.begin(), want.end());
        CHECK(seen == want);
        const auto& m = measured[wasm.string()];
        CHECK(m.value("socket_calls", 0) > 0);
        CHECK(m.value("socket_calls_not_judged", -1) == 0);
        table << "| " << program << " " << variant << " | " << level << " | "
              << (shown.empty() ? "clean" : shown) << " | " << m.value("socket_calls_judged", 0)
              << " / " << m.value("socket_calls", 0) << " |\n";
    }
    CHECK(files == expected_files);
}

}  // namespace

TEST_CASE("wasi-af: clang builds at every -O level get exactly the expected findings",
          "[wasi-af][loopback][own-ports][slow][clang][wabt]") {
    if (!have("clang") || !have("wasm-ld")) {
        NETDIAG_SKIP("clang",
                     "clang with wasm32 target is not installed (apt-get install clang lld)");
    }
    if (!have("wasm-objdump"))
        NETDIAG_SKIP("wabt", "wasm-objdump is not installed (apt-get install wabt)");
    std::size_t programs = 0;
    for (const auto& e : fs::directory_iterator(kPrograms))
        programs += e.path().extension() == ".c";
    check_compiled("clang", programs * 4 * 6);
}

TEST_CASE("wasi-af: rustc builds at opt-level 0 and 3 get exactly the expected findings",
          "[wasi-af][loopback][own-ports][slow][rustc][wabt]") {
    const std::string rustc = "/usr/bin/rustc";
    if (!fs::exists(rustc) || !fs::exists("/usr/lib/rustlib/wasm32-unknown-unknown")) {
        NETDIAG_SKIP("rustc",
                     "Debian's rustc with the wasm32 standard library is not installed "
                     "(apt-get install rustc libstd-rust-dev-wasm32)");
    }
    if (!have("wasm-objdump"))
        NETDIAG_SKIP("wabt", "wasm-objdump is not installed (apt-get install wabt)");
    std::size_t programs = 0;
    for (const auto& e : fs::directory_iterator(kPrograms))
        programs += e.path().extension() == ".rs";
    check_compiled("rustc", programs * 4 * 2);
}
