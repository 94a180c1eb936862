// The CLI driven as main() drives it: exit codes, usage errors, explain, list, report files.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app.hpp"
#include "netdiag/probe.hpp"

namespace fs = std::filesystem;

namespace {

struct Result {
    int code;
    std::string out;
    std::string err;
};

Result run_cli(std::vector<std::string> args) {
    std::ostringstream out, err;
    netdiag::cli::CliIo io{out, err};
    const int code = netdiag::cli::run(args, io);
    return {code, out.str(), err.str()};
}

fs::path temp_dir(const std::string& name) {
    auto dir = fs::temp_directory_path() / ("netdiag-cli-test-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

}  // namespace

TEST_CASE("usage errors exit 2 with a precise message") {
    auto r = run_cli({"probe", "no-such-probe"});
    CHECK(r.code == 2);
    CHECK(r.err.find("unknown probe 'no-such-probe'") != std::string::npos);
    CHECK(r.err.find("host") != std::string::npos);  // lists the known ones

    CHECK(run_cli({"--no-such-option"}).code == 2);
    CHECK(run_cli({"probe", "--format", "xml"}).code == 2);
    CHECK(run_cli({"probe", "--timeout", "soon"}).code == 2);
    CHECK(run_cli({"probe", "--timeout", "1ms"}).code == 2);
    CHECK(run_cli({"probe", "--fail-on", "fatal"}).code == 2);
    CHECK(run_cli({"explain"}).code == 2);
    CHECK(run_cli({"frobnicate"}).code == 2);
}

TEST_CASE("--version and --help exit 0") {
    auto v = run_cli({"--version"});
    CHECK(v.code == 0);
    CHECK(v.out.rfind("netdiag ", 0) == 0);
    auto h = run_cli({"--help"});
    CHECK(h.code == 0);
    CHECK(h.out.find("probe") != std::string::npos);
    CHECK(h.out.find("Exit status") != std::string::npos);
    auto ph = run_cli({"probe", "--help"});
    CHECK(ph.code == 0);
    CHECK(ph.out.find("--fail-on") != std::string::npos);
}

TEST_CASE("explain prints every registered finding's page, unknown ids are usage errors") {
    for (const auto& info : netdiag::probe_registry()) {
        for (const auto id : info.finding_ids()) {
            auto r = run_cli({"explain", std::string(id)});
            INFO(id);
            CHECK(r.code == 0);
            CHECK(r.out.rfind("# " + std::string(id), 0) == 0);
        }
    }
    auto lower = run_cli({"explain", "nd-host-001"});
    CHECK(lower.code == 0);
    auto unknown = run_cli({"explain", "ND-HOST-999"});
    CHECK(unknown.code == 2);
    CHECK(unknown.err.find("ND-HOST-001") != std::string::npos);
}

TEST_CASE("list shows every probe with platforms and finding ids") {
    auto r = run_cli({"list"});
    CHECK(r.code == 0);
    for (const auto& info : netdiag::probe_registry()) {
        CHECK(r.out.find(std::string(info.id)) != std::string::npos);
    }
    CHECK(r.out.find("ND-HOST-001") != std::string::npos);
}

TEST_CASE("-o writes the report atomically, a bad path is exit 3 and leaves nothing") {
    const auto dir = temp_dir("output");
    const auto target = dir / "report.json";
    auto ok = run_cli({"probe", "host", "--format", "json", "-q", "-o", target.string()});
    CHECK((ok.code == 0 || ok.code == 1));
    REQUIRE(fs::exists(target));
    nlohmann::json report;
    {
        std::ifstream in(target);  // closed before the folder is removed (Windows locks it)
        report = nlohmann::json::parse(in);
    }
    CHECK(report["schema"] == "netdiag.report/1");
    CHECK(report["probes"][0]["id"] == "host");
    // Only the report in the folder: no temporary left behind.
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) == 1);

    const auto missing = dir / "no-such-dir" / "report.json";
    auto bad = run_cli({"probe", "host", "-q", "-o", missing.string()});
    CHECK(bad.code == 3);
    CHECK(bad.err.find("cannot write report") != std::string::npos);
    CHECK(bad.err.find("No such file or directory") != std::string::npos);
    CHECK_FALSE(fs::exists(missing));
    fs::remove_all(dir);
}

TEST_CASE("json on stdout parses, --fail-on info turns findings into exit 1") {
    auto r = run_cli({"probe", "host", "--format", "json"});
    const auto report = nlohmann::json::parse(r.out);
    const int findings = report["summary"]["findings"]["info"].get<int>() +
                         report["summary"]["findings"]["warning"].get<int>() +
                         report["summary"]["findings"]["error"].get<int>();
    auto strict = run_cli({"probe", "host", "-q", "--fail-on", "info"});
    CHECK(strict.code == (findings > 0 ? 1 : 0));
}
