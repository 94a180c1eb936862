// The HTML report's picture of udp-batch: the throughput of each send path
// (measurements.paths[].throughput.gbit_per_second); a rejected path is a zero bar marked with
// its status. Nothing when the fields are absent (a report from another netdiag version).
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "netdiag/chart.hpp"

namespace netdiag::probes::udp_batch {

std::vector<BarChart> udp_charts(const nlohmann::json& measurements);

}  // namespace netdiag::probes::udp_batch
