#include "app.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "core/duration.hpp"
#include "core/exit_code.hpp"
#include "netdiag/platform.hpp"
#include "netdiag/version.hpp"
#include "option_validators.hpp"
#include "peer_command.hpp"
#include "probe_options.hpp"
#include "report_commands.hpp"
#include "watch_command.hpp"
#include "worker_command.hpp"

namespace netdiag::cli {
namespace {

constexpr const char* kExamples = R"(Examples:
  netdiag probe --all                          check everything on this host
  netdiag probe --all --format json -o r.json  write a report to attach to a ticket
  netdiag probe --all --redact -o r.json       same, with host names and addresses replaced
  netdiag probe multicast --group 224.0.0.224 --port 7446
  netdiag probe wasi-af --wasm app.wasm
  netdiag probe spice --spice 127.0.0.1:5930
  netdiag probe listeners --listen-port 8000   a running server: its workers, queue, drops
  netdiag watch --duration 10m -o watch.json   record link drops over time (Ctrl-C ends it)
  netdiag probe --all --format html -o r.html  one page with charts to attach to a ticket
  netdiag probe --all --format junit -o r.xml  CI test report (also: --format sarif)
  netdiag diff old.json new.json               exit 1 when something got worse
  netdiag merge reports/*.json                 fleet summary: which hosts have which findings
  netdiag render r.json --format openmetrics -o netdiag.prom
                                               metrics for Prometheus (node_exporter textfile)
  netdiag list                                 probes and the findings they can report
  netdiag explain ND-HOST-001                  what a finding means and what to do

Exit status: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error,
3 netdiag failed (report not written, a probe broke), 130 interrupted.)";

std::string known_probe_ids() {
    std::string ids;
    for (const auto& info : probe_registry()) {
        if (!ids.empty()) ids += ", ";
        ids += info.id;
    }
    return ids;
}

void configure_logging(int verbosity, bool quiet) {
    // Logs go to stderr only; stdout carries the report.
    auto logger = spdlog::get("netdiag");
    if (!logger) logger = spdlog::stderr_color_mt("netdiag");
    logger->set_pattern("netdiag: %l: %v");
    spdlog::set_default_logger(logger);
    if (quiet) {
        spdlog::set_level(spdlog::level::err);
    } else if (verbosity >= 2) {
        spdlog::set_level(spdlog::level::trace);
    } else if (verbosity == 1) {
        spdlog::set_level(spdlog::level::debug);
    } else {
        spdlog::set_level(spdlog::level::warn);
    }
}

}  // namespace

int run(const std::vector<std::string>& args, CliIo& io) {
    CLI::App app{"netdiag: socket-fault diagnostics for the host you run it on", "netdiag"};
    app.footer(kExamples);
    app.require_subcommand(0, 1);
    bool show_version = false;
    app.add_flag("--version", show_version, "Print the version and exit");

    ProbeCommandOptions probe_options;
    int verbosity = 0;
    std::string format = "text";
    std::string fail_on = "error";
    std::string timeout = "5s";

    auto* probe = app.add_subcommand("probe", "Run probes and report findings");
    probe->add_option("ids", probe_options.probe_ids, "Probes to run (default: all)")
        ->type_name("ID");
    probe->add_flag("--all", probe_options.all, "Run every probe");
    probe->add_option("--format", format, "Report format")
        ->check(CLI::IsMember(report_format_names()))
        ->capture_default_str();
    probe
        ->add_option("-o,--output", probe_options.output_path,
                     "Write the report to FILE (atomically); the text report still goes to "
                     "stdout unless -q")
        ->type_name("FILE");
    probe->add_option("--timeout", timeout, "Deadline for each probe (e.g. 500ms, 5s, 1m)")
        ->capture_default_str()
        ->type_name("DURATION")
        ->check(duration_validator(std::chrono::milliseconds(10)));
    probe->add_option("--fail-on", fail_on, "Exit 1 when a finding is at or above this severity")
        ->check(CLI::IsMember({"info", "warning", "error"}))
        ->capture_default_str();
    probe->add_flag("--redact", probe_options.redact,
                    "Replace host names, MAC and non-loopback IP addresses with placeholders");
    probe->add_flag("-v,--verbose", verbosity, "Log what netdiag does to stderr (-vv: more)");
    probe->add_flag("-q,--quiet", probe_options.quiet, "Print nothing but errors");
    add_probe_options(*probe, probe_options.probe_options);

    auto* list = app.add_subcommand("list", "List probes, their platforms and finding ids");
    std::string explain_id;
    auto* explain = app.add_subcommand("explain", "Print what a finding means and what to do");
    explain->add_option("id", explain_id, "Finding id, e.g. ND-HOST-001")->required();
    PeerCommand peer_command;
    add_peer_command(app, peer_command);
    WorkerCommand worker_command;
    add_worker_command(app, worker_command);
    DiffCommand diff_command;
    add_diff_command(app, diff_command);
    MergeCommand merge_command;
    add_merge_command(app, merge_command);
    RenderCommand render_command;
    add_render_command(app, render_command);
    WatchCommand watch_command;
    add_watch_command(app, watch_command);

    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        app.parse(reversed);
        if (probe->parsed()) {
            finish_probe_options(*probe, probe_options.probe_options);
            for (const auto& id : probe_options.probe_ids) {
                if (find_probe(id) == nullptr) {
                    throw CLI::ValidationError(
                        fmt::format("unknown probe '{}'; known probes: {}", id, known_probe_ids()));
                }
            }
        }
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {  // --help: CLI11 prints the chosen subcommand's help
            app.exit(e, io.out, io.err);
            return exit_ok;
        }
        io.err << "netdiag: error: " << e.what() << "\n"
               << "Run 'netdiag --help' for usage.\n";
        return exit_usage;
    }

    if (show_version) {
        io.out << fmt::format("netdiag {} ({}, {})\n", version(), git_commit(),
                              platform::current_platform());
        return exit_ok;
    }
    configure_logging(verbosity, probe_options.quiet);
    if (probe->parsed()) {
        probe_options.format = parse_report_format(format).value_or(OutputFormat::text);
        probe_options.fail_on = parse_severity(fail_on).value_or(Severity::error);
        probe_options.timeout = *parse_duration(timeout);
        return run_probe_command(probe_options, io);
    }
    if (list->parsed()) return run_list_command(io);
    if (explain->parsed()) return run_explain_command(explain_id, io);
    if (peer_command.app->parsed()) return run_peer_command(peer_command, io);
    if (worker_command.app->parsed()) return run_worker_command(worker_command);
    if (diff_command.app->parsed()) return run_diff_command(diff_command, io);
    if (merge_command.app->parsed()) return run_merge_command(merge_command, io);
    if (render_command.app->parsed()) return run_render_command(render_command, io);
    if (watch_command.app->parsed()) {
        configure_logging(watch_command.verbosity, watch_command.quiet);
        return run_watch_command(watch_command, io);
    }
    io.out << app.help();
    return exit_usage;
}

}  // namespace netdiag::cli
