// Probe `host`: judges the host facts the runner already read (interfaces, routes, WSL) for the
// faults behind netdiag's cases: a USB NIC that autosuspends under the default route, interfaces
// without MULTICAST, WSL1, no default route.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "netdiag/probe.hpp"

namespace netdiag::probes::host {

std::unique_ptr<Probe> make_probe();
// Everything the registry and the CLI need to know about this probe.
ProbeDescription description();

// The findings alone, from a snapshot: the probe's logic, testable on fixture trees.
std::vector<Finding> judge_host(const platform::HostSnapshot& host);

}  // namespace netdiag::probes::host
