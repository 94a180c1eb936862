// The HTML report's pictures of shared-accept: connections served by each worker, one chart per
// accept pattern (measurements.patterns[].workers[].served). Nothing when the fields are absent
// (a report from another netdiag version).
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "netdiag/chart.hpp"

namespace netdiag::probes::shared_accept {

std::vector<BarChart> accept_charts(const nlohmann::json& measurements);

}  // namespace netdiag::probes::shared_accept
