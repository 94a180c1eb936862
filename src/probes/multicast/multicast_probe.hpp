// Probe `multicast`: can this host bind, join and loop back the Zenoh scouting group
// (224.0.0.224:7446 by default) on each interface, and does any Zenoh node answer a Scout?
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "netdiag/probe.hpp"

namespace netdiag::probes::multicast {

std::unique_ptr<Probe> make_probe();
// Everything the registry and the CLI need to know about this probe.
ProbeDescription description();

}  // namespace netdiag::probes::multicast
