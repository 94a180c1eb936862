// Turns measurements into chart data for the HTML report. Each function reads the fields its
// probe documents and returns nothing when they are absent, so a report from an older or newer
// netdiag renders without the chart rather than failing.
#pragma once

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/svg_chart.hpp"

namespace netdiag {

// udp-batch: throughput of each send path (measurements.paths[].throughput.gbit_per_second);
// a rejected path is a zero bar marked "rejected".
std::optional<BarChart> udp_throughput_chart(const nlohmann::json& measurements);

// shared-accept: connections served by each worker, one chart per accept pattern
// (measurements.patterns[].workers[].served).
std::vector<BarChart> accept_spread_charts(const nlohmann::json& measurements);

// watch: link states per interface and heartbeat errors over time, from the report's
// "timeline" (see docs/report-formats.md for the fields read). The time axis spans at least
// minimum_length_s (the watch's duration), so quiet minutes at the end still show.
std::optional<TimelineChart> timeline_chart(const nlohmann::json& timeline,
                                            double minimum_length_s = 0);

}  // namespace netdiag
