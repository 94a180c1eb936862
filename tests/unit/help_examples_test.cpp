// `netdiag --help` and the README show the same examples: each example command in the help
// appears as a line of its own in the README.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "app.hpp"

namespace {

std::string readme() {
    std::ifstream in(NETDIAG_SOURCE_DIR "/README.md");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// "  netdiag diff a b     what it does" -> "netdiag diff a b"
std::vector<std::string> help_example_commands() {
    std::ostringstream out, err;
    netdiag::cli::CliIo io{out, err};
    REQUIRE(netdiag::cli::run({"--help"}, io) == 0);
    std::istringstream help(out.str());
    std::vector<std::string> commands;
    bool in_examples = false;
    for (std::string line; std::getline(help, line);) {
        if (line == "Examples:") {
            in_examples = true;
            continue;
        }
        if (!in_examples) continue;
        if (line.empty()) break;
        const auto start = line.find("netdiag ");
        if (start == std::string::npos) continue;
        const auto end = line.find("  ", start);
        commands.push_back(line.substr(start, end == std::string::npos ? end : end - start));
    }
    return commands;
}

bool has_line_starting_with(const std::string& text, const std::string& command) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(command, 0) != 0) continue;
        const auto rest = line.substr(command.size());
        if (rest.empty() || rest.front() == ' ') return true;
    }
    return false;
}

}  // namespace

TEST_CASE("every example in --help is in the README") {
    const auto commands = help_example_commands();
    REQUIRE(commands.size() >= 8);
    const auto text = readme();
    REQUIRE_FALSE(text.empty());
    for (const auto& command : commands) {
        INFO(command);
        CHECK(has_line_starting_with(text, command));
    }
}
