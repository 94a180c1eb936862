// Probe `host`: judges the host facts the runner already read (interfaces, routes, WSL) for the
// faults behind netdiag's cases: a USB NIC that autosuspends under the default route, interfaces
// without MULTICAST, WSL1, no default route.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "netdiag/probe.hpp"

namespace netdiag {

std::unique_ptr<Probe> make_host_probe();
// Everything the registry and the CLI need to know about this probe.
ProbeDescription host_description();

// The findings alone, from a snapshot: the probe's logic, testable on fixture trees.
std::vector<Finding> judge_host(const platform::HostSnapshot& host);

}  // namespace netdiag
