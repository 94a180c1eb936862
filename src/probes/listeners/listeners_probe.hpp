// Probe `listeners`: looks at the servers already running on this host. For each listening
// TCP port (and bound UDP port) it lists the sockets and the processes holding them (one
// socket inherited by forked workers, an SO_REUSEPORT group, or both), the accept queue
// against its backlog read twice a short window apart, net.core.somaxconn, the listen drop
// counters, and what each worker is blocked in. Only reads kernel state; sends nothing.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "netdiag/probe.hpp"

namespace netdiag::probes::listeners {

std::unique_ptr<Probe> make_probe();
// Everything the registry and the CLI need to know about this probe.
ProbeDescription description();

}  // namespace netdiag::probes::listeners
