// Turns the watch timeline into chart data for the HTML report; it reads the fields it documents
// and returns nothing when they are absent, so a report from an older or newer netdiag renders
// without the chart rather than failing. Probes make their own charts (ProbeDescription::charts).
#pragma once

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/svg_chart.hpp"

namespace netdiag {

// watch: link states per interface and heartbeat errors over time, from the report's
// "timeline" (see docs/report-formats.md for the fields read). The time axis spans at least
// minimum_length_s (the watch's duration), so quiet minutes at the end still show.
std::optional<TimelineChart> timeline_chart(const nlohmann::json& timeline,
                                            double minimum_length_s = 0);

}  // namespace netdiag
