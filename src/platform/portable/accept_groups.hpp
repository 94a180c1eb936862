// The two kinds of worker group the portable core runs over an OS's shim (src/platform/portable
// only): N worker processes sharing one listener (or one port), and N threads of netdiag.
#pragma once

#include <memory>

#include "platform/portable/accept_shim.hpp"

namespace netdiag::platform::accept {

// Starts the processes at once (those not started by `deadline` are recorded as never started)
// and owns `listener` from here on.
std::unique_ptr<WorkerGroup> start_process_group(std::shared_ptr<AcceptShim> shim,
                                                 const GroupOptions& options,
                                                 const PatternInfo& pattern, NativeSocket listener,
                                                 Clock::time_point deadline);

// Starts the threads at once; owns `listener` from here on.
std::unique_ptr<WorkerGroup> start_thread_group(std::shared_ptr<AcceptShim> shim,
                                                const GroupOptions& options,
                                                const PatternInfo& pattern, NativeSocket listener,
                                                Clock::time_point deadline);

}  // namespace netdiag::platform::accept
