#include "report_commands.hpp"

#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "core/exit_code.hpp"
#include "core/report_file.hpp"
#include "report/formats.hpp"
#include "report/report_diff.hpp"
#include "report/report_merge.hpp"
#include "report/report_reader.hpp"

namespace netdiag::cli {
namespace {

// "20%", "20" (percent) or "0.2" (a fraction below 1) -> 0.2.
std::optional<double> parse_threshold(std::string text) {
    const bool percent = !text.empty() && text.back() == '%';
    if (percent) text.pop_back();
    try {
        size_t used = 0;
        const double value = std::stod(text, &used);
        if (used != text.size() || !std::isfinite(value) || value < 0) return std::nullopt;
        return percent || value >= 1 ? value / 100.0 : value;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

CLI::Validator threshold_validator() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            return parse_threshold(value)
                       ? std::string()
                       : "invalid threshold '" + value + "' (examples: 20%, 5%, 0.1)";
        },
        "PERCENT");
}

// Writes to -o FILE (atomically) or stdout; returns an exit status when writing failed.
std::optional<int> emit(const std::string& document, const std::string& output_path, CliIo& io) {
    if (output_path.empty()) {
        io.out << document;
        io.out.flush();
        return std::nullopt;
    }
    if (const auto error = write_file_atomically(output_path, document)) {
        io.err << "netdiag: error: " << *error << "\n";
        return exit_tool_failure;
    }
    return std::nullopt;
}

std::string dump_json(const nlohmann::json& document) {
    return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// A report the user named that cannot be used is a usage error: the input is wrong, not netdiag.
std::optional<LoadedReport> load_or_complain(const std::string& path, CliIo& io) {
    auto result = load_report_file(path);
    if (!result.loaded) {
        io.err << "netdiag: error: " << result.error << "\n";
        return std::nullopt;
    }
    return std::move(result.loaded);
}

}  // namespace

void add_diff_command(CLI::App& app, DiffCommand& c) {
    c.app = app.add_subcommand("diff", "Compare two JSON reports; exit 1 when something got worse");
    c.app->add_option("old", c.before_path, "The earlier report (JSON)")->required();
    c.app->add_option("new", c.after_path, "The later report (JSON)")->required();
    c.app->add_option("--format", c.format, "Output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    c.app
        ->add_option("--threshold", c.threshold,
                     "Report a measurement that moved by more than this (e.g. 20%)")
        ->check(threshold_validator())
        ->capture_default_str();
    c.app
        ->add_option("--fail-on", c.fail_on,
                     "A new finding at or above this severity counts as worse")
        ->check(CLI::IsMember({"info", "warning", "error"}))
        ->capture_default_str();
    c.app->add_option("-o,--output", c.output_path, "Write the diff to FILE")->type_name("FILE");
}

void add_merge_command(CLI::App& app, MergeCommand& c) {
    c.app = app.add_subcommand("merge", "Summarise many hosts' JSON reports into one fleet view");
    c.app->add_option("reports", c.paths, "JSON reports, one per host")->required();
    c.app->add_option("--format", c.format, "Output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    c.app
        ->add_option("--fail-on", c.fail_on,
                     "Exit 1 when any host has a finding at or above this severity")
        ->check(CLI::IsMember({"info", "warning", "error"}))
        ->capture_default_str();
    c.app->add_option("-o,--output", c.output_path, "Write the summary to FILE")->type_name("FILE");
}

void add_render_command(CLI::App& app, RenderCommand& c) {
    c.app = app.add_subcommand("render", "Write a saved JSON report in another format");
    c.app->add_option("report", c.path, "The JSON report")->required();
    c.app->add_option("--format", c.format, "Output format")
        ->check(CLI::IsMember(report_format_names()))
        ->capture_default_str();
    c.app
        ->add_option("--fail-on", c.fail_on,
                     "JUnit: findings at or above this severity are failures")
        ->check(CLI::IsMember({"info", "warning", "error"}))
        ->capture_default_str();
    c.app->add_option("-o,--output", c.output_path, "Write the document to FILE")
        ->type_name("FILE");
}

int run_diff_command(const DiffCommand& c, CliIo& io) {
    const auto before = load_or_complain(c.before_path, io);
    const auto after = load_or_complain(c.after_path, io);
    if (!before || !after) return exit_usage;
    DiffOptions options;
    options.threshold = parse_threshold(c.threshold).value_or(options.threshold);
    options.fail_on = parse_severity(c.fail_on).value_or(Severity::warning);
    const auto diff = diff_reports(before->report, after->report, options);
    const auto document = c.format == "json" ? dump_json(to_json(diff))
                                             : render_diff_text(diff, c.before_path, c.after_path);
    if (const auto failed = emit(document, c.output_path, io)) return *failed;
    return diff.worse() ? exit_findings : exit_ok;
}

int run_merge_command(const MergeCommand& c, CliIo& io) {
    std::vector<FleetMember> members;
    bool all_read = true;
    for (const auto& path : c.paths) {
        if (auto loaded = load_or_complain(path, io)) {
            members.push_back({path, std::move(loaded->report)});
        } else {
            all_read = false;  // go on, so one run names every unreadable file
        }
    }
    if (!all_read) return exit_usage;
    const auto fleet = merge_reports(members);
    const auto document = c.format == "json" ? dump_json(to_json(fleet)) : render_fleet_text(fleet);
    if (const auto failed = emit(document, c.output_path, io)) return *failed;
    const auto worst = fleet.worst();
    const auto fail_on = parse_severity(c.fail_on).value_or(Severity::error);
    return worst && static_cast<int>(*worst) >= static_cast<int>(fail_on) ? exit_findings : exit_ok;
}

int run_render_command(const RenderCommand& c, CliIo& io) {
    const auto loaded = load_or_complain(c.path, io);
    if (!loaded) return exit_usage;
    RenderOptions options;
    options.fail_on = parse_severity(c.fail_on).value_or(Severity::error);
    options.timeline = loaded->timeline;
    const auto format = parse_report_format(c.format).value_or(ReportFormat::html);
    if (const auto failed =
            emit(render_report(loaded->report, format, options), c.output_path, io)) {
        return *failed;
    }
    return exit_ok;
}

}  // namespace netdiag::cli
