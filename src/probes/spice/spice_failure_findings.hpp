// The finding for a visit that did not get through the handshake (or lost the session while
// watching): which step, what the server did, and what to check.
#pragma once

#include <optional>

#include "netdiag/model.hpp"
#include "probes/spice/spice_observation.hpp"

namespace netdiag::probes::spice {

std::optional<Finding> failure_finding(const SpiceObservation& observation);

}  // namespace netdiag::probes::spice
