// Starting a worker group on every OS: the pattern from the OS's list, the listener (or, for
// SO_REUSEPORT, the port reservation), then the processes or threads.
#include <algorithm>

#include "platform/portable/accept_groups.hpp"

namespace netdiag::platform::accept {

std::optional<PatternInfo> find_pattern(std::string_view id) {
    for (auto& p : patterns()) {
        if (p.id == id) return p;
    }
    return std::nullopt;
}

StartOutcome start_group(std::shared_ptr<AcceptShim> shim, const GroupOptions& options,
                         Clock::time_point deadline) {
    StartOutcome outcome;
    outcome.failure.pattern = options.pattern;
    const auto all = shim->patterns();
    const auto pattern = std::find_if(
        all.begin(), all.end(), [&](const PatternInfo& p) { return p.id == options.pattern; });
    if (pattern == all.end()) {
        outcome.failure.setup_failures.push_back(
            {"pattern " + options.pattern + " is not available on " + std::string(shim->os_name()),
             shim->invalid_argument(), 1});
        return outcome;
    }
    // For reuseport the parent only reserves the port (bound, not listening: it takes no
    // connections) so every worker binds the same one.
    const auto use =
        pattern->sharing == "reuseport" ? ListenerUse::port_reservation : ListenerUse::shared;
    const auto listener = shim->open_listener(options.address, options.port, options.backlog, use,
                                              outcome.failure.setup_failures);
    if (listener == kNoSocket) return outcome;
    outcome.group = pattern->processes
                        ? start_process_group(shim, options, *pattern, listener, deadline)
                        : start_thread_group(shim, options, *pattern, listener, deadline);
    return outcome;
}

StartOutcome start_group(const GroupOptions& options, Clock::time_point deadline) {
    return start_group(make_accept_shim(), options, deadline);
}

}  // namespace netdiag::platform::accept
