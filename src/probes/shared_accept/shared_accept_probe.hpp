// Probe `shared-accept`: starts N workers that share one listening port in each way this OS
// offers (inherited socket, threads with their own event loop, SO_REUSEPORT; on Windows the
// IOCP + AcceptEx case that fails with 87 and 995), drives M loopback connections at them and
// reports who served what, every failure with its native code, latency and spread.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "netdiag/probe.hpp"

namespace netdiag::probes::shared_accept {

std::unique_ptr<Probe> make_probe();
// Everything the registry and the CLI need to know about this probe.
ProbeDescription description();

}  // namespace netdiag::probes::shared_accept
