#include "watch_command.hpp"

#include <fmt/format.h>
#include <algorithm>

#include "core/duration.hpp"
#include "core/exit_code.hpp"
#include "core/report_file.hpp"
#include "core/writers.hpp"
#include "netdiag/platform.hpp"
#include "netdiag/udp_send.hpp"
#include "option_validators.hpp"
#include "platform/interface_names.hpp"
#include "watch/drop_analysis.hpp"
#include "watch/watch_report.hpp"
#include "watch/watch_session.hpp"

namespace netdiag::cli {
namespace {

std::string paint(bool color, int code, std::string_view text) {
    return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : std::string(text);
}

// "+2.004s  05:01:55.123Z  veth0      link_down        up → no-carrier"
std::string live_line(const watch::TimelineEntry& e, bool color) {
    const auto clock = e.wall.size() > 11 ? e.wall.substr(11) : e.wall;
    std::string change;
    if (e.kind == watch::kHeartbeatErrorKind) {
        change = fmt::format("send to {} failed: {}", e.new_state, e.error.describe());
    } else if (e.old_state.empty()) {
        change = "+ " + e.new_state;
    } else if (e.new_state.empty()) {
        change = "- " + e.old_state;
    } else {
        change = e.old_state + " → " + e.new_state;
    }
    const bool bad = e.kind == "link_down" || e.kind == "address_removed" ||
                     e.kind == watch::kHeartbeatErrorKind;
    const bool good = e.kind == "link_up";
    const auto kind = fmt::format("{:<16}", e.kind);
    return fmt::format("{:>9}  {}  {:<12} {}  {}\n",
                       fmt::format("+{:.3f}s", static_cast<double>(e.at.count()) / 1000), clock,
                       e.interface_name.empty() ? "-" : e.interface_name,
                       bad    ? paint(color, 31, kind)
                       : good ? paint(color, 32, kind)
                              : kind,
                       change);
}

// Prints timeline entries as they arrive. A heartbeat failing through an outage fails ten
// times a second: the first error of a run is printed, the rest are counted and summed up in
// one line when something else happens (the report's timeline keeps every one).
class LivePrinter {
public:
    LivePrinter(std::ostream& out, bool color) : out_(out), color_(color) {}

    void print(const watch::TimelineEntry& entry) {
        const bool heartbeat = entry.kind == watch::kHeartbeatErrorKind;
        if (heartbeat && entry.error.native_name == repeating_) {
            ++repeats_;
            return;
        }
        flush();
        if (heartbeat) repeating_ = entry.error.native_name;
        out_ << live_line(entry, color_) << std::flush;
    }

    void flush() {
        if (repeats_ > 0) {
            out_ << fmt::format("{:>9}  … {} more heartbeat error(s) {}\n", "", repeats_,
                                repeating_)
                 << std::flush;
        }
        repeats_ = 0;
        repeating_.clear();
    }

private:
    std::ostream& out_;
    bool color_;
    std::string repeating_;
    int repeats_ = 0;
};

// With --interface, the heartbeat pins that interface's first address of the target's family
// as its source, as a streaming host pins its source at session start: when the link drops
// and the address goes, the sends fail the way the stream's did.
std::string pinned_source(const platform::HostSnapshot& host, const WatchCommand& command,
                          const platform::udp::Endpoint& target) {
    if (command.interfaces.empty()) return {};
    const auto family =
        target.family() == platform::udp::Family::ipv4 ? std::string("ipv4") : std::string("ipv6");
    for (const auto& i : host.interfaces) {
        if (!platform::is_named(i, command.interfaces.front())) continue;
        for (const auto& a : i.addresses) {
            if (a.family == family && a.address.rfind("fe80:", 0) != 0) return a.address;
        }
    }
    return {};
}

std::string start_line(const watch::WatchRecord& record, const WatchCommand& command,
                       const std::string& source) {
    std::string states;
    for (const auto& i : record.initial) {
        if (!states.empty()) states += ", ";
        states += fmt::format("{} {}", i.name, platform::links::to_string(i.state));
    }
    // A named interface that is absent now (an unplugged USB adapter) is watched for.
    for (const auto& name : command.interfaces) {
        const bool present = std::any_of(record.initial.begin(), record.initial.end(),
                                         [&](const auto& i) { return i.name == name; });
        if (present) continue;
        if (!states.empty()) states += ", ";
        states += name + " absent (watching for it to appear)";
    }
    return fmt::format("netdiag watch: {} interface(s) [{}] for {}{}{}; Ctrl-C ends it\n",
                       record.initial.size(), states, command.duration,
                       command.heartbeat.empty() ? "" : ", heartbeat to " + command.heartbeat,
                       source.empty() ? "" : " from " + source);
}

}  // namespace

void add_watch_command(CLI::App& app, WatchCommand& command) {
    command.app = app.add_subcommand(
        "watch",
        "Watch link, address and route events over time, print them as they happen, and "
        "detect periodic link drops (a USB dock that drops every two minutes)");
    auto* w = command.app;
    w->add_option("--duration", command.duration, "How long to watch (Ctrl-C ends it earlier)")
        ->capture_default_str()
        ->type_name("DURATION")
        ->check(duration_validator(std::chrono::milliseconds(100)));
    w->add_option("--interface", command.interfaces, "Only these interfaces (default: every one)")
        ->type_name("NAME");
    w->add_option("--heartbeat", command.heartbeat,
                  "Send a small UDP datagram every --heartbeat-interval to HOST:PORT and record "
                  "every send error with its time")
        ->type_name("HOST[:PORT]")
        ->check(host_port_validator(kDiscardService));
    w->add_option("--heartbeat-interval", command.heartbeat_interval, "Time between heartbeats")
        ->capture_default_str()
        ->type_name("DURATION")
        ->check(duration_validator(std::chrono::milliseconds(10)));
    w->add_option("--format", command.format, "Report format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    w->add_option("-o,--output", command.output_path,
                  "Write the report to FILE (atomically, also when interrupted); live lines and "
                  "the text summary still go to stdout unless -q")
        ->type_name("FILE");
    w->add_option("--fail-on", command.fail_on,
                  "Exit 1 when a finding is at or above this severity")
        ->check(CLI::IsMember({"info", "warning", "error"}))
        ->capture_default_str();
    w->add_flag("--redact", command.redact,
                "Replace host names, MAC and non-loopback IP addresses with placeholders");
    w->add_flag("-v,--verbose", command.verbosity, "Log what netdiag does to stderr (-vv: more)");
    w->add_flag("-q,--quiet", command.quiet, "Print nothing but errors");
}

int run_watch_command(const WatchCommand& command, CliIo& io) {
    watch::WatchOptions options;
    options.duration = *parse_duration(command.duration);
    options.interfaces = command.interfaces;
    options.heartbeat_interval = *parse_duration(command.heartbeat_interval);
    options.interrupt = io.interrupt;
    if (!command.heartbeat.empty()) {
        std::string error;
        options.heartbeat = platform::udp::resolve_endpoint(
            command.heartbeat, 9, std::chrono::steady_clock::now() + kLookupWait, error);
        if (!options.heartbeat) {
            io.err << "netdiag: error: --heartbeat " << command.heartbeat << ": " << error << "\n";
            return exit_usage;
        }
    }
    const auto host = platform::read_host_snapshot();
    if (options.heartbeat) {
        options.heartbeat_source = pinned_source(host, command, *options.heartbeat);
    }
    const bool json = command.format == "json";
    // Live lines go where people look: stdout, unless stdout carries the JSON document.
    const bool live_to_stderr = json && command.output_path.empty();
    std::ostream& live = live_to_stderr ? io.err : io.out;
    const bool live_color =
        (live_to_stderr ? io.err_is_terminal : io.out_is_terminal) && !io.no_color;
    LivePrinter printer(live, live_color);
    if (!command.quiet) {
        options.on_entry = [&](const watch::TimelineEntry& entry) { printer.print(entry); };
    }

    const auto record = watch::run_watch(options, [&](const watch::WatchRecord& started) {
        if (!command.quiet) {
            live << start_line(started, command, options.heartbeat_source) << std::flush;
        }
    });
    printer.flush();
    const auto result = watch::build_watch_report(record, host, command.heartbeat, command.redact);
    const auto& report = result.report;
    if (!record.failure.empty()) io.err << "netdiag: error: watch: " << record.failure << "\n";
    if (!record.heartbeat_failure.empty()) {
        io.err << "netdiag: warning: heartbeat not sent: " << record.heartbeat_failure << "\n";
    }

    const TextStyle style{io.out_is_terminal && !io.no_color};
    auto text = [&] {
        return watch::render_watch_summary(result) + "\n" + render_text(report, style);
    };
    const auto document =
        json ? watch::render_watch_json(result)
             : watch::render_watch_summary(result) + "\n" + render_text(report, TextStyle{false});
    if (!command.output_path.empty()) {
        if (const auto error = write_file_atomically(command.output_path, document)) {
            io.err << "netdiag: error: " << *error << "\n";
            return exit_tool_failure;
        }
        if (!command.quiet) io.out << text();
    } else if (json) {
        io.out << document;
    } else if (!command.quiet) {
        io.out << text();
    }
    io.out.flush();
    return exit_code_for(report, parse_severity(command.fail_on).value_or(Severity::error));
}

}  // namespace netdiag::cli
