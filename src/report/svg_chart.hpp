// Inline SVG charts for the HTML report, drawn by netdiag itself so the page needs no script
// library and no network. Pure functions from chart data to an <svg> element.
#pragma once

#include <string>
#include <vector>

#include "netdiag/chart.hpp"

namespace netdiag {

struct TimelineSpan {
    double start_s = 0;
    double end_s = 0;
    std::string state;  // "up" and "down" get their own colours; anything else is grey
};

struct TimelineMark {
    double at_s = 0;
    std::string label;  // the tooltip, e.g. "heartbeat: ENETUNREACH"
};

struct TimelineLane {
    std::string label;  // the interface, or "heartbeat"
    std::vector<TimelineSpan> spans;
    std::vector<TimelineMark> marks;
};

// One lane per interface over a shared time axis in seconds.
struct TimelineChart {
    std::string id;
    std::string title;
    double length_s = 0;
    std::vector<TimelineLane> lanes;
};

std::string render_bar_chart(const BarChart& chart);
std::string render_timeline_chart(const TimelineChart& chart);

}  // namespace netdiag
