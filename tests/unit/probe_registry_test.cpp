// The registry against everything derived from it: every finding of every probe has its page
// with the same title and severity, every option is well formed and documented, and the README,
// `netdiag list` and the bash completion name every option. One test for all probes, so a new
// probe is covered by its registry line.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "app.hpp"
#include "core/finding_pages.hpp"
#include "netdiag/probe.hpp"
#include "report/finding_catalog.hpp"

namespace probe_registry_test {

std::string source_file(const std::string& relative) {
    std::ifstream in(std::string(NETDIAG_SOURCE_DIR) + "/" + relative, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string list_output() {
    std::ostringstream out, err;
    netdiag::cli::CliIo io{out, err};
    REQUIRE(netdiag::cli::run({"list"}, io) == 0);
    return out.str();
}

// Every option a probe run accepts, with the probe that owns it ("" for the shared ones).
std::vector<std::pair<std::string, const netdiag::OptionSpec*>> every_option() {
    std::vector<std::pair<std::string, const netdiag::OptionSpec*>> options;
    for (const auto& probe : netdiag::probe_registry()) {
        for (const auto& spec : probe.options) options.emplace_back(std::string(probe.id), &spec);
    }
    for (const auto& spec : netdiag::shared_probe_options()) options.emplace_back("", &spec);
    return options;
}

// The README's row for a probe in the "## Probes" table: "| `udp-batch` | … |".
std::string readme_row(const std::string& readme, const std::string& probe) {
    const auto table = readme.find("\n## Probes");
    REQUIRE(table != std::string::npos);
    const auto row = readme.find("\n| `" + probe + "` |", table);
    if (row == std::string::npos) return {};
    return readme.substr(row + 1, readme.find('\n', row + 1) - row - 1);
}

}  // namespace probe_registry_test

TEST_CASE("every finding of every probe has its page, with the same title and severity") {
    std::set<std::string_view> seen;
    for (const auto& probe : netdiag::probe_registry()) {
        INFO("probe " << probe.id);
        CHECK_FALSE(probe.findings.empty());
        for (const auto& finding : probe.findings) {
            INFO(finding.id);
            CHECK(netdiag::is_valid_finding_id(finding.id));
            CHECK(seen.insert(finding.id).second);  // one owner per id
            // The page is in the source tree and compiled in for `netdiag explain`.
            const auto page = probe_registry_test::source_file("docs/findings/" +
                                                               std::string(finding.id) + ".md");
            CHECK_FALSE(page.empty());
            CHECK(netdiag::finding_page(finding.id) == page);
            const auto described = netdiag::describe_finding_page(finding.id, page);
            CHECK(described.title == finding.title);
            REQUIRE(described.severity.has_value());
            CHECK(*described.severity == finding.severity);
        }
    }
}

TEST_CASE("every probe has a docs page and a unique id, platforms and a factory") {
    std::set<std::string_view> ids;
    for (const auto& probe : netdiag::probe_registry()) {
        INFO(probe.id);
        CHECK(ids.insert(probe.id).second);
        CHECK_FALSE(probe_registry_test::source_file("docs/probes/" + std::string(probe.id) + ".md")
                        .empty());
        CHECK_FALSE(probe.title.empty());
        CHECK_FALSE(probe.platforms.empty());
        REQUIRE(probe.make);
        CHECK(probe.make() != nullptr);
    }
}

TEST_CASE("every probe option is well formed, and a checked one names a value it refuses") {
    std::set<std::string> names;
    for (const auto& [probe, spec] : probe_registry_test::every_option()) {
        INFO(spec->name);
        CHECK(names.insert(spec->name).second);  // one option, one owner
        CHECK(spec->name.rfind("--", 0) == 0);
        CHECK_FALSE(spec->type_name.empty());
        CHECK_FALSE(spec->help.empty());
        CHECK(static_cast<bool>(spec->store));
        // tests/integration/bad_input_test.cpp runs each of these and expects exit 2.
        CHECK(spec->validated() == !spec->invalid_example.empty());
        if (spec->check) CHECK_FALSE(spec->check(spec->invalid_example).empty());
        if (spec->show_default) CHECK_FALSE(spec->default_text.empty());
    }
}

TEST_CASE("the README's probe table names every option each probe reads") {
    const auto readme = probe_registry_test::source_file("README.md");
    for (const auto& [probe, spec] : probe_registry_test::every_option()) {
        auto readers = spec->read_by;
        if (!probe.empty()) readers.push_back(probe);
        REQUIRE_FALSE(readers.empty());
        for (const auto& reader : readers) {
            INFO(reader << " " << spec->name);
            const auto row = probe_registry_test::readme_row(readme, reader);
            REQUIRE_FALSE(row.empty());
            CHECK(row.find("`" + spec->name) != std::string::npos);
        }
    }
}

TEST_CASE("netdiag list and the bash completion offer every probe option") {
    const auto list = probe_registry_test::list_output();
    const auto completion = probe_registry_test::source_file("packaging/netdiag.bash-completion");
    // The completion takes the probe options from `netdiag list` rather than keeping a copy.
    CHECK(completion.find("/options:/") != std::string::npos);
    for (const auto& [probe, spec] : probe_registry_test::every_option()) {
        INFO(spec->name);
        std::set<std::string> listed;
        std::istringstream lines(list);
        for (std::string line; std::getline(lines, line);) {
            const auto at = line.find("options:");
            if (at == std::string::npos) continue;
            std::istringstream words(line.substr(at + 8));
            for (std::string word; words >> word;) listed.insert(word);
        }
        CHECK(listed.count(spec->name) == 1);
        // A path completes as a file name.
        if (spec->type_name == "FILE" || spec->type_name == "PATH") {
            const bool completes_files =
                completion.find("|" + spec->name + "|") != std::string::npos ||
                completion.find("|" + spec->name + ")") != std::string::npos;
            CHECK(completes_files);
        }
    }
}
