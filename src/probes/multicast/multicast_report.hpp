// The multicast probe's measurements: the facts as stable JSON plus the tables the text report
// prints (per interface, binds, Zenoh answers).
#pragma once

#include <nlohmann/json.hpp>

#include "probes/multicast/multicast_facts.hpp"

namespace netdiag::probes::multicast {

nlohmann::json measurements(const MulticastFacts& facts);

// One direction of the two-host check, as the measurements and the findings' evidence show it.
nlohmann::json direction_json(const TwoHostDirection& direction);

}  // namespace netdiag::probes::multicast
