// Runs probes concurrently, each under its own deadline; a probe that measures timing holds the
// run's measurement gate while it does. A probe that throws or overruns becomes status `error`; the
// run always goes on.
#pragma once

#include <atomic>
#include <chrono>
#include <vector>

#include "netdiag/probe.hpp"

namespace netdiag {

struct RunOptions {
    std::chrono::milliseconds timeout{5000};  // per probe
    // Extra time a probe gets after its deadline to return what it has before it is abandoned.
    std::chrono::milliseconds grace{250};
    ProbeOptions probe_options;
    ProbeContext::ProgressSink progress;
    // Set from outside (a signal handler) to stop the run early.
    const std::atomic<bool>* interrupt = nullptr;
};

struct RunOutcome {
    std::vector<ProbeResult> results;  // in the order the probes were given
    // A probe thread that overran is left behind (threads cannot be killed safely); the caller
    // must not run static destructors under it and should leave with std::_Exit.
    bool abandoned_threads = false;
    bool interrupted = false;
};

RunOutcome run_probes(const std::vector<const ProbeDescription*>& probes,
                      const platform::HostSnapshot& host, const RunOptions& options);

}  // namespace netdiag
