// The listeners probe's measurements: the port table (one row per socket, with its layout,
// queue against backlog and holders), the processes, the counters, and what could not be seen
// and why. Pure: built from the facts.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "listener_facts.hpp"
#include "listener_layout.hpp"

namespace netdiag::probes::listeners {

// Sentences saying what this run could not see (other users' processes, OS limits, reads that
// failed); empty when it saw everything.
std::vector<std::string> blind_spots(const ListenerFacts& facts);

nlohmann::json measurements(const ListenerFacts& facts, const std::vector<BindGroup>& groups);

}  // namespace netdiag::probes::listeners
