#include "shared_accept_probe.hpp"
#include "shared_accept_options.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "accept_analysis.hpp"
#include "accept_findings.hpp"
#include "connection_driver.hpp"
#include "netdiag/shared_accept.hpp"

namespace netdiag::probes::shared_accept {
namespace {

namespace accept = platform::accept;
using std::chrono::milliseconds;

// Kept back from the probe's deadline for the last stop, the analysis and the runner.
constexpr milliseconds kFinalReserve{250};
// Per pattern: the part of its time slot for starting workers, and what is kept for stopping.
constexpr double kStartShare = 0.4;
constexpr milliseconds kLeastStopTime{60};

std::vector<accept::PatternInfo> chosen_patterns(const SharedAcceptOptions& options,
                                                 std::vector<std::string>& unknown) {
    auto all = accept::patterns();
    if (options.patterns.empty()) return all;
    std::vector<accept::PatternInfo> chosen;
    for (const auto& id : options.patterns) {
        const auto it = std::find_if(all.begin(), all.end(), [&](auto& p) { return p.id == id; });
        if (it != all.end()) {
            chosen.push_back(*it);
        } else {
            unknown.push_back(id);
        }
    }
    return chosen;
}

PatternRun run_pattern(const accept::PatternInfo& pattern, const ProbeContext& context,
                       Clock::time_point slot_end, Clock::time_point hard_end) {
    const auto& options = context.options().get<SharedAcceptOptions>();
    PatternRun run;
    run.pattern = pattern;
    run.requested_connections = options.connections;
    const auto now = Clock::now();
    const auto slot = slot_end - now;

    accept::GroupOptions group_options;
    group_options.pattern = pattern.id;
    group_options.workers = options.workers;
    group_options.worker_executable = options.worker_binary;
    auto started = accept::start_group(group_options, now + slot / 2);
    if (!started.group) {
        run.group = started.failure;
        run.group.pattern = pattern.id;
        run.not_driven_reason = "the listener could not be set up";
        return run;
    }
    auto& group = *started.group;
    const auto ready_by = now + std::chrono::duration_cast<Clock::duration>(slot * kStartShare);
    const auto stop_at =
        std::max(slot_end - std::max<Clock::duration>(slot / 6, kLeastStopTime), ready_by);
    if (group.wait_ready(ready_by)) {
        DriveOptions drive;
        drive.port = group.port();
        drive.connections = options.connections;
        drive.concurrency = options.concurrency;
        drive.interrupted = [&context] { return context.interrupted(); };
        run.drive = drive_connections(drive, stop_at);
        run.driven = true;
    } else {
        run.not_driven_reason = "no worker became ready in time";
    }
    // Interrupted: the workers are stopped (and killed if they linger) at once, so netdiag
    // reaps them all before it exits.
    const auto stop_by =
        context.cancelled() ? Clock::now() + kLeastStopTime
                            : std::min(std::max(slot_end, Clock::now() + kLeastStopTime), hard_end);
    run.group = group.stop(stop_by);
    return run;
}

nlohmann::json summary_table(const std::vector<PatternRun>& runs) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& run : runs) {
        const auto s = analyse(run);
        rows.push_back(
            {run.pattern.id, run.pattern.processes ? "processes" : "threads", run.pattern.wait,
             verdict(run, s), fmt::format("{}/{}", s.served_total, run.requested_connections),
             std::lround(s.connections_per_second), fmt::format("{:.2f}", s.p50_ms),
             fmt::format("{:.2f}", s.p99_ms), fmt::format("{:.3f}", s.jain_index),
             s.max_min_ratio == 0 ? std::string("-") : fmt::format("{:.2f}", s.max_min_ratio)});
    }
    return {{"title", "patterns (reply latency = connect until the worker's id arrives)"},
            {"columns",
             {"pattern", "workers", "wait", "result", "served", "conn/s", "p50 ms", "p99 ms",
              "jain", "max/min"}},
            {"rows", rows}};
}

class SharedAcceptProbe final : public Probe {
public:
    ProbeResult run(ProbeContext& context) override {
        ProbeResult result;
        const auto& options = context.options().get<SharedAcceptOptions>();
        std::vector<std::string> unknown;
        const auto patterns = chosen_patterns(options, unknown);
        const auto hard_end = context.deadline() - kFinalReserve;
        // Starting workers and driving hundreds of connections would skew a throughput
        // measurement, and one would skew the spread across workers measured here.
        const auto alongside = context.work_alongside();

        JudgeInput input;
        input.unavailable = accept::unavailable_patterns();
        input.open_files_limit = accept::open_files_limit();
        input.connections = options.connections;
        input.workers = options.workers;
        for (std::size_t i = 0; i < patterns.size(); ++i) {
            if (context.cancelled() || Clock::now() >= hard_end) {
                PatternRun skipped;
                skipped.pattern = patterns[i];
                skipped.requested_connections = options.connections;
                skipped.not_driven_reason = context.interrupted()
                                                ? "not run: netdiag was interrupted"
                                                : "not run: the probe's deadline passed";
                input.runs.push_back(skipped);
                continue;
            }
            context.progress(fmt::format("{}: {} workers, {} connections", patterns[i].id,
                                         options.workers, options.connections));
            const auto slot = (hard_end - Clock::now()) / static_cast<long>(patterns.size() - i);
            input.runs.push_back(run_pattern(patterns[i], context, Clock::now() + slot, hard_end));
        }

        result.findings = judge(input);
        auto& m = result.measurements;
        m["workers"] = options.workers;
        m["connections"] = options.connections;
        m["concurrency"] = options.concurrency;
        m["worker_executable"] = options.worker_binary.empty() ? accept::self_executable().string()
                                                               : options.worker_binary;
        if (input.open_files_limit) m["open_files_limit"] = *input.open_files_limit;
        m["patterns"] = nlohmann::json::array();
        m["tables"] = nlohmann::json::array({summary_table(input.runs)});
        for (const auto& run : input.runs) {
            const auto spread = analyse(run);
            m["patterns"].push_back(to_json(run, spread));
            if (!run.group.workers.empty()) m["tables"].push_back(worker_table(run, spread));
        }
        m["unavailable"] = nlohmann::json::array();
        for (const auto& u : input.unavailable) {
            m["unavailable"].push_back({{"id", u.id}, {"reason", u.reason}});
        }
        if (!unknown.empty()) m["unknown_patterns"] = unknown;
        if (patterns.empty()) {
            result.status = ProbeStatus::skip;
            result.reason = "no pattern selected that this OS runs";
        } else if (std::any_of(input.runs.begin(), input.runs.end(),
                               [](const auto& r) { return !r.driven; }) &&
                   context.cancelled()) {
            result.reason = context.interrupted()
                                ? "interrupted: the patterns not driven were not run"
                                : "the deadline cut the run short; raise --timeout";
        }
        return result;
    }
};

}  // namespace

std::unique_ptr<Probe> make_probe() {
    return std::make_unique<SharedAcceptProbe>();
}

}  // namespace netdiag::probes::shared_accept
