#include "core/runner.hpp"

#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace netdiag {
namespace {

using Clock = std::chrono::steady_clock;

// Everything a probe thread touches lives here, shared with the runner, so an abandoned thread
// never reads freed memory.
struct ProbeRun {
    ProbeDescription info;  // a copy: the caller's may be gone before an abandoned thread ends
    platform::HostSnapshot host;
    ProbeOptions options;
    ProbeContext::ProgressSink progress;
    std::shared_ptr<MeasurementGate> gate;  // the run's; shared so an abandoned probe keeps it
    std::atomic<bool> cancel{false};
    Clock::time_point run_started;
    Clock::time_point started;
    Clock::time_point deadline;

    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    ProbeResult result;
};

ProbeResult error_result(const ProbeDescription& info, std::string reason) {
    ProbeResult r;
    r.probe = std::string(info.id);
    r.status = ProbeStatus::error;
    r.reason = std::move(reason);
    return r;
}

void execute(const std::shared_ptr<ProbeRun>& run) {
    ProbeResult result;
    try {
        ProbeContext context(std::string(run->info.id), run->host, run->options, run->deadline,
                             run->cancel, run->progress, run->gate);
        auto probe = run->info.make();
        result = probe->run(context);
        result.gate_wait = context.gate_wait();
        result.probe = std::string(run->info.id);
        if (result.status == ProbeStatus::pass) {
            result.status = status_from_findings(result.findings);
        }
        // Cancelled before its deadline means interrupted: what it returned is partial, so a
        // clean result is not a pass. Its findings stay; the status says it was cut short.
        if (result.status == ProbeStatus::pass && run->cancel.load() &&
            Clock::now() < run->deadline) {
            result.status = ProbeStatus::skip;
            result.reason = result.reason.empty() ? "interrupted before it finished"
                                                  : "interrupted: " + result.reason;
        }
    } catch (const std::exception& e) {
        result = error_result(run->info, fmt::format("probe failed: {}", e.what()));
    } catch (...) {
        result = error_result(run->info, "probe failed with an unknown exception");
    }
    result.duration =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - run->started);
    result.started_after =
        std::chrono::duration_cast<std::chrono::milliseconds>(run->started - run->run_started);
    {
        std::lock_guard lock(run->mutex);
        run->result = std::move(result);
        run->done = true;
    }
    run->done_cv.notify_all();
}

// A started probe: its shared state and its thread. The thread is joined once the probe is
// done and detached only when it is abandoned, never right after it is created: winpthreads
// (the Windows build's threads) can run a thread detached before it starts on freed memory.
struct StartedProbe {
    std::shared_ptr<ProbeRun> run;
    std::thread thread;
};

StartedProbe start(const ProbeDescription* info, const platform::HostSnapshot& host,
                   const RunOptions& options, const std::shared_ptr<MeasurementGate>& gate,
                   Clock::time_point run_started) {
    auto run = std::make_shared<ProbeRun>();
    run->info = *info;
    run->gate = gate;
    run->run_started = run_started;
    run->host = host;
    run->options = options.probe_options;
    run->progress = options.progress;
    run->started = Clock::now();
    run->deadline = run->started + options.timeout;
    spdlog::debug("probe {}: start, deadline {} ms", info->id, options.timeout.count());
    std::thread thread([run] { execute(run); });
    return {std::move(run), std::move(thread)};
}

bool interrupted(const RunOptions& options) {
    return options.interrupt != nullptr && options.interrupt->load();
}

// Waits for one probe until it finishes, its deadline plus grace passes, or the run is
// interrupted. Returns false when the probe was abandoned.
bool wait_for(ProbeRun& run, const RunOptions& options) {
    std::unique_lock lock(run.mutex);
    auto limit = run.deadline + options.grace;
    bool interrupt_seen = false;
    while (!run.done) {
        const auto now = Clock::now();
        if (!interrupt_seen && interrupted(options)) {
            // Interrupted: the probe gets the grace period from now, not from its deadline.
            interrupt_seen = true;
            run.cancel = true;
            limit = std::min(limit, now + options.grace);
        }
        if (now >= run.deadline) run.cancel = true;
        if (now >= limit) return false;
        // Wake at least every 50 ms to notice an interrupt.
        run.done_cv.wait_until(lock, std::min(limit, now + std::chrono::milliseconds(50)));
    }
    return true;
}

ProbeResult collect(StartedProbe& started, const RunOptions& options, RunOutcome& outcome) {
    auto& run = *started.run;
    if (wait_for(run, options)) {
        started.thread.join();  // it has stored its result and is returning
        std::lock_guard lock(run.mutex);
        return run.result;
    }
    started.thread.detach();
    outcome.abandoned_threads = true;
    auto result =
        interrupted(options)
            ? error_result(run.info, "interrupted before the probe finished")
            : error_result(run.info, fmt::format("did not finish within its {} ms deadline",
                                                 options.timeout.count()));
    result.duration =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - run.started);
    result.started_after =
        std::chrono::duration_cast<std::chrono::milliseconds>(run.started - run.run_started);
    spdlog::debug("probe {}: abandoned: {}", run.info.id, result.reason);
    return result;
}

}  // namespace

RunOutcome run_probes(const std::vector<const ProbeDescription*>& probes,
                      const platform::HostSnapshot& host, const RunOptions& options) {
    RunOutcome outcome;
    outcome.results.resize(probes.size());

    // Every probe at once. A probe that measures timing takes the measurement gate only while
    // it measures, so the others' waiting overlaps its measuring (measurement_gate.hpp).
    const auto gate = std::make_shared<MeasurementGate>();
    const auto run_started = Clock::now();
    std::vector<std::pair<size_t, StartedProbe>> started;
    for (size_t i = 0; i < probes.size(); ++i) {
        if (interrupted(options)) continue;
        started.emplace_back(i, start(probes[i], host, options, gate, run_started));
    }
    for (auto& [index, probe] : started) {
        outcome.results[index] = collect(probe, options, outcome);
    }

    for (size_t i = 0; i < probes.size(); ++i) {
        if (outcome.results[i].probe.empty()) {
            // Not netdiag's failure: the user stopped the run before this probe's turn.
            auto skipped = error_result(*probes[i], "not run: the run was interrupted");
            skipped.status = ProbeStatus::skip;
            outcome.results[i] = std::move(skipped);
        }
    }
    outcome.interrupted = interrupted(options);
    return outcome;
}

}  // namespace netdiag
