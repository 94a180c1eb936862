// The report reader behind diff, merge and render: round trips, and a precise error (never a
// crash) for every kind of bad input.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include "report/report_reader.hpp"
#include "report_samples.hpp"

using namespace netdiag;
using nlohmann::json;

namespace {

std::string error_for(const std::string& bytes) {
    const auto result = read_report(bytes);
    REQUIRE_FALSE(result.loaded);
    return result.error;
}

json sample_document() {
    return to_json(testing::sample_report());
}

}  // namespace

TEST_CASE("a written report reads back to the same JSON") {
    const auto original = sample_document();
    const auto result = read_report(original.dump());
    REQUIRE(result.loaded);
    CHECK(result.error.empty());
    CHECK(to_json(result.loaded->report) == original);
    CHECK(result.loaded->timeline.is_null());
}

TEST_CASE("a watch report's timeline is kept beside the report") {
    auto document = sample_document();
    document["timeline"] = json::array({{{"t_ms", 5}, {"kind", "link_down"}}});
    const auto result = read_report(document.dump());
    REQUIRE(result.loaded);
    CHECK(result.loaded->timeline == document["timeline"]);
}

TEST_CASE("bad input gets one precise message") {
    CHECK(error_for("") == "not JSON: syntax error at byte 1");
    CHECK(error_for("{\"schema\": ").rfind("not JSON: syntax error at byte", 0) == 0);
    CHECK(error_for("[1, 2]") == "not a netdiag report: the document is array, not an object");
    CHECK(error_for("{}") == "not a netdiag report: no \"schema\" field");
    CHECK(error_for(R"({"schema": "other.tool/3"})") ==
          "not a netdiag report: schema is \"other.tool/3\"");
    CHECK(error_for(R"({"schema": "netdiag.report/2", "probes": []})") ==
          "unsupported report schema \"netdiag.report/2\" (this netdiag reads "
          "\"netdiag.report/1\")");

    auto document = sample_document();
    document["probes"][3]["findings"][0]["severity"] = "fatal";
    CHECK(error_for(document.dump()) ==
          "/probes/3/findings/0/severity: expected info, warning or error, got \"fatal\"");

    document = sample_document();
    document["probes"][1].erase("status");
    CHECK(error_for(document.dump()) == "/probes/1: missing field \"status\"");

    document = sample_document();
    document["probes"][0]["duration_ms"] = -4;
    CHECK(error_for(document.dump()) ==
          "/probes/0/duration_ms: expected a non-negative integer, got -4");

    document = sample_document();
    document["probes"] = json::object();
    CHECK(error_for(document.dump()) == "/probes: expected an array, got object");

    document = sample_document();
    document["probes"][0]["findings"][0]["id"] = "HOST-1";
    CHECK(error_for(document.dump()) ==
          "/probes/0/findings/0/id: \"HOST-1\" is not a finding id (ND-AREA-NNN)");
}

TEST_CASE("nesting and size are bounded before parsing") {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK(error_for(deep) == "not a netdiag report: nested deeper than 64 levels");
    // Brackets inside strings do not count.
    auto document = sample_document();
    document["probes"][0]["reason"] = std::string(500, '[');
    CHECK(read_report(document.dump()).loaded);
}

TEST_CASE("mutated reports never throw and always explain themselves") {
    const auto bytes = sample_document().dump();
    std::mt19937 random(12345);
    int rejected = 0;
    for (int round = 0; round < 2000; ++round) {
        auto mutated = bytes;
        const int edits = 1 + static_cast<int>(random() % 4);
        for (int e = 0; e < edits; ++e) {
            const auto at = random() % mutated.size();
            switch (random() % 3) {
                case 0:
                    mutated[at] = static_cast<char>(random() % 256);
                    break;
                case 1:
                    mutated.erase(at, 1 + random() % 8);
                    break;
                default:
                    mutated.insert(at, 1, "{}[]\",:0-e"[random() % 10]);
                    break;
            }
            if (mutated.empty()) mutated = "x";
        }
        ReportReadResult result;
        REQUIRE_NOTHROW(result = read_report(mutated));
        CHECK(result.loaded.has_value() == result.error.empty());
        if (!result.loaded) ++rejected;
    }
    CHECK(rejected > 0);
}

TEST_CASE("load_report_file names the file and the OS's answer") {
    const auto dir = std::filesystem::temp_directory_path() / "netdiag-reader-test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto missing = load_report_file(dir / "missing.json");
    REQUIRE_FALSE(missing.loaded);
    CHECK(missing.error ==
          "'" + (dir / "missing.json").string() + "': cannot open: No such file or directory");
    const auto folder = load_report_file(dir);
    CHECK(folder.error == "'" + dir.string() + "': is a folder, not a report file");
    std::ofstream(dir / "text.json") << "hello";
    CHECK(load_report_file(dir / "text.json").error ==
          "'" + (dir / "text.json").string() + "': not JSON: syntax error at byte 1");
    std::ofstream(dir / "good.json") << sample_document().dump();
    CHECK(load_report_file(dir / "good.json").loaded);
    std::filesystem::remove_all(dir);
}
