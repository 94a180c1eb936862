// diff, merge and render on real reports written by the binary, and their answers to bad input:
// the message names the file and the problem, and the exit status follows docs/exit-codes.md.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "run_binary.hpp"

namespace fs = std::filesystem;
using netdiag::testing::run_netdiag;
using netdiag::testing::slurp;
using nlohmann::json;

namespace {

fs::path fresh_dir(const std::string& name) {
    const auto dir = fs::temp_directory_path() / ("netdiag-report-cmd-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void write(const fs::path& path, const std::string& text) {
    std::ofstream(path) << text;
}

// A real report of the host probe, and the same report with one more warning finding.
std::pair<fs::path, fs::path> report_pair(const fs::path& dir) {
    const auto before = dir / "before.json";
    const auto run = run_netdiag("probe host --format json -q -o \"" + before.string() + "\"");
    REQUIRE((run.code == 0 || run.code == 1));
    auto document = json::parse(slurp(before));
    document["probes"][0]["findings"].push_back({{"id", "ND-HOST-004"},
                                                 {"severity", "warning"},
                                                 {"probe", "host"},
                                                 {"title", "No default route"},
                                                 {"detail", "made by the test"},
                                                 {"evidence", json::object()},
                                                 {"remedy", {"add one"}},
                                                 {"docs", "docs/findings/ND-HOST-004.md"}});
    const auto after = dir / "after.json";
    write(after, document.dump());
    return {before, after};
}

std::string quoted(const fs::path& p) {
    return "\"" + p.string() + "\"";
}

}  // namespace

TEST_CASE("diff exits 1 when a finding appeared and 0 when one was resolved",
          "[report][own-ports]") {
    const auto dir = fresh_dir("diff");
    const auto [before, after] = report_pair(dir);

    const auto worse = run_netdiag("diff " + quoted(before) + " " + quoted(after));
    CHECK(worse.code == 1);
    CHECK(worse.out.find("New findings (1)") != std::string::npos);
    CHECK(worse.out.find("ND-HOST-004") != std::string::npos);

    const auto better = run_netdiag("diff " + quoted(after) + " " + quoted(before));
    CHECK(better.code == 0);
    CHECK(better.out.find("Resolved findings (1)") != std::string::npos);

    const auto as_json = run_netdiag("diff --format json " + quoted(before) + " " + quoted(after));
    CHECK(as_json.code == 1);
    CHECK(json::parse(as_json.out)["appeared"][0]["id"] == "ND-HOST-004");

    // A warning does not reach --fail-on error: listed, not a regression.
    CHECK(run_netdiag("diff --fail-on error " + quoted(before) + " " + quoted(after)).code == 0);
    fs::remove_all(dir);
}

TEST_CASE("diff, merge and render refuse unusable reports with exit 2 and the reason",
          "[report][own-ports]") {
    const auto dir = fresh_dir("bad");
    const auto [good, unused] = report_pair(dir);
    write(dir / "notes.txt", "these are not JSON");
    auto future = json::parse(slurp(good));
    future["schema"] = "netdiag.report/2";
    write(dir / "future.json", future.dump());

    const auto missing = run_netdiag("diff " + quoted(dir / "nope.json") + " " + quoted(good));
    CHECK(missing.code == 2);
    CHECK(missing.err == "netdiag: error: '" + (dir / "nope.json").string() +
                             "': cannot open: No such file or directory\n");

    const auto text = run_netdiag("diff " + quoted(good) + " " + quoted(dir / "notes.txt"));
    CHECK(text.code == 2);
    CHECK(text.err == "netdiag: error: '" + (dir / "notes.txt").string() +
                          "': not JSON: syntax error at byte 2\n");

    const auto version = run_netdiag("merge " + quoted(good) + " " + quoted(dir / "future.json") +
                                     " " + quoted(dir / "notes.txt"));
    CHECK(version.code == 2);
    CHECK(version.err.find("future.json': unsupported report schema \"netdiag.report/2\"") !=
          std::string::npos);
    CHECK(version.err.find("notes.txt': not JSON") != std::string::npos);  // every bad file named
    CHECK(version.out.empty());

    CHECK(run_netdiag("render " + quoted(dir / "notes.txt")).code == 2);
    CHECK(run_netdiag("diff " + quoted(good)).code == 2);  // NEW is required
    CHECK(run_netdiag("diff --threshold lots " + quoted(good) + " " + quoted(good)).code == 2);
    fs::remove_all(dir);
}

TEST_CASE("merge summarises hosts as text and JSON", "[report][own-ports]") {
    const auto dir = fresh_dir("merge");
    const auto [before, after] = report_pair(dir);
    const auto text = run_netdiag("merge " + quoted(before) + " " + quoted(after));
    CHECK(text.code == 0);  // a warning is below the default --fail-on error
    CHECK(text.out.find("netdiag fleet summary: 2 hosts") == 0);

    const auto out = dir / "fleet.json";
    const auto written = run_netdiag("merge --format json --fail-on warning -o " + quoted(out) +
                                     " " + quoted(before) + " " + quoted(after));
    CHECK(written.code == 1);
    const auto fleet = json::parse(slurp(out));
    CHECK(fleet["hosts"].size() == 2);
    bool found = false;
    for (const auto& f : fleet["findings"]) {
        if (f["id"] == "ND-HOST-004") {
            found = true;
            CHECK(f["hosts"].size() == 1);
        }
    }
    CHECK(found);
    fs::remove_all(dir);
}

TEST_CASE("render turns a saved report into every other format", "[report][own-ports]") {
    const auto dir = fresh_dir("render");
    const auto [report, unused] = report_pair(dir);
    CHECK(run_netdiag("render --format junit " + quoted(report)).out.rfind("<?xml", 0) == 0);
    CHECK(json::parse(run_netdiag("render --format sarif " + quoted(report)).out)["version"] ==
          "2.1.0");
    CHECK(run_netdiag("render " + quoted(report)).out.rfind("<!DOCTYPE html>", 0) == 0);
    const auto text = run_netdiag("render --format text " + quoted(report));
    CHECK(text.code == 0);
    CHECK(text.out.find("host") != std::string::npos);
    fs::remove_all(dir);
}
