#include "commands.hpp"

#include <algorithm>
#include <mutex>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "core/duration.hpp"
#include "core/exit_code.hpp"
#include "core/finding_pages.hpp"
#include "core/redaction.hpp"
#include "core/report_file.hpp"
#include "core/runner.hpp"
#include "core/writers.hpp"
#include "firewall/probe_needs.hpp"
#include "netdiag/platform.hpp"
#include "netdiag/shared_accept.hpp"
#include "netdiag/version.hpp"
#include "probe_options.hpp"
#include "watch/watch_findings.hpp"

namespace netdiag::cli {
namespace {

// The firewall and the network list answer in milliseconds; a hung service gets this long.
constexpr std::chrono::milliseconds kFirewallDeadline{3000};

std::string join(const std::vector<std::string_view>& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

// The options a probe reads: its own table, then the shared options it also reads (--peer for
// multicast).
std::vector<std::string_view> option_names(const ProbeDescription& probe) {
    std::vector<std::string_view> names;
    for (const auto& spec : probe.options) names.push_back(spec.name);
    const auto reads = [&](const OptionSpec& spec) {
        return std::find(spec.read_by.begin(), spec.read_by.end(), probe.id) != spec.read_by.end();
    };
    for (const auto& other : probe_registry()) {
        for (const auto& spec : other.options) {
            if (reads(spec)) names.push_back(spec.name);
        }
    }
    for (const auto& spec : shared_probe_options()) {
        if (reads(spec)) names.push_back(spec.name);
    }
    return names;
}

std::vector<const ProbeDescription*> select_probes(const ProbeCommandOptions& options) {
    std::vector<const ProbeDescription*> selected;
    if (options.all || options.probe_ids.empty()) {
        for (const auto& info : probe_registry()) selected.push_back(&info);
        return selected;
    }
    // Registry order, whatever order the user named them in; duplicates collapse.
    for (const auto& info : probe_registry()) {
        if (std::find(options.probe_ids.begin(), options.probe_ids.end(), info.id) !=
            options.probe_ids.end()) {
            selected.push_back(&info);
        }
    }
    return selected;
}

// On a terminal, progress is one line redrawn in place; elsewhere it is logged at debug level
// (-v), so a script or a test can follow a run as it goes.
ProbeContext::ProgressSink progress_sink(CliIo& io, bool quiet) {
    if (quiet) return {};
    if (!io.err_is_terminal) {
        return [](std::string_view probe, std::string_view line) {
            spdlog::debug("[{}] {}", probe, line);
        };
    }
    auto mutex = std::make_shared<std::mutex>();
    return [&io, mutex](std::string_view probe, std::string_view line) {
        std::lock_guard lock(*mutex);
        io.err << fmt::format("\r\x1b[2K[{}] {}", probe, line) << std::flush;
    };
}

}  // namespace

int run_probe_command(const ProbeCommandOptions& options, CliIo& io) {
    const auto started_wall = std::chrono::system_clock::now();
    const auto started = std::chrono::steady_clock::now();

    Report report;
    report.tool.version = std::string(version());
    report.tool.git_commit = std::string(git_commit());
    report.started_at = format_utc(started_wall);

    auto host = platform::read_host_snapshot();
    host.firewall = fw::read_relevant_firewall(
        fw::needs_for(options.probe_options, platform::accept::self_executable().string()),
        kFirewallDeadline);
    report.host = platform::to_json(host);
    // Values only this host can refute (an interface name it lacks) are usage errors too.
    if (const auto error = host_option_error(options.probe_options, host)) {
        io.err << "netdiag: error: " << *error << "\nRun 'netdiag --help' for usage.\n";
        return exit_usage;
    }

    RunOptions run_options;
    run_options.timeout = options.timeout;
    run_options.probe_options = options.probe_options;
    run_options.progress = progress_sink(io, options.quiet);
    const bool redraws_progress = !options.quiet && io.err_is_terminal;
    run_options.interrupt = io.interrupt;
    auto outcome = run_probes(select_probes(options), host, run_options);
    if (redraws_progress) io.err << "\r\x1b[2K" << std::flush;

    report.probes = std::move(outcome.results);
    report.interrupted = outcome.interrupted;
    report.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (options.redact) redact(report);

    const TextStyle style{io.out_is_terminal && !io.no_color};
    RenderOptions render_options;
    render_options.fail_on = options.fail_on;  // JUnit failures follow the exit status
    const auto document = render_report(report, options.format, render_options);
    if (!options.output_path.empty()) {
        if (const auto error = write_file_atomically(options.output_path, document)) {
            io.err << "netdiag: error: " << *error << "\n";
            return exit_tool_failure;
        }
        // The file holds the chosen format; the person at the terminal still reads the text.
        if (!options.quiet) io.out << render_text(report, style);
    } else if (options.format != OutputFormat::text) {
        io.out << document;
    } else if (!options.quiet) {
        io.out << render_text(report, style);
    }
    io.out.flush();
    return exit_code_for(report, options.fail_on);
}

int run_list_command(CliIo& io) {
    for (const auto& info : probe_registry()) {
        io.out << fmt::format("{:<14} {}{}\n", info.id, info.title,
                              info.host_use == HostUse::measures_alone
                                  ? " (measures timing with the host to itself)"
                                  : "");
        io.out << fmt::format("{:<14} {}\n", "", info.summary);
        io.out << fmt::format("{:<14} platforms: {}\n", "", join(info.platforms, ", "));
        // The bash completion reads this line for the options it offers after `probe`.
        if (const auto names = option_names(info); !names.empty()) {
            io.out << fmt::format("{:<14} options:   {}\n", "", join(names, " "));
        }
        io.out << fmt::format("{:<14} findings:  {}\n\n", "", join(info.finding_ids(), " "));
    }
    // watch is a command, not a probe (it runs for minutes), but its findings are listed alike.
    io.out << fmt::format("{:<14} {}\n", "watch", "Link events over time (netdiag watch)");
    io.out << fmt::format("{:<14} {}\n", "",
                          "Link, address and route events as they happen; drops, outages and "
                          "periodic drops with period and jitter; UDP heartbeat errors");
    io.out << fmt::format("{:<14} platforms: linux, windows\n", "");
    io.out << fmt::format("{:<14} findings:  {}\n\n", "", join(watch::watch_finding_ids(), " "));
    return exit_ok;
}

int run_explain_command(const std::string& id, CliIo& io) {
    if (const auto page = finding_page(id)) {
        io.out << *page;
        if (!page->empty() && page->back() != '\n') io.out << "\n";
        return exit_ok;
    }
    std::vector<std::string_view> known;
    for (const auto& info : probe_registry()) {
        const auto ids = info.finding_ids();
        known.insert(known.end(), ids.begin(), ids.end());
    }
    // watch also raises the host probe's power findings: each id is listed once.
    for (const auto id : watch::watch_finding_ids()) {
        if (std::find(known.begin(), known.end(), id) == known.end()) known.push_back(id);
    }
    io.err << fmt::format("netdiag: error: unknown finding id '{}'; known ids: {}\n", id,
                          join(known, " "));
    return exit_usage;
}

}  // namespace netdiag::cli
