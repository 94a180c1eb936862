// Chart data a probe makes from its measurements for the HTML report (src/report/svg_chart.hpp
// draws it). Plain values, so a probe describes its pictures without knowing how they are drawn.
#pragma once

#include <string>
#include <vector>

namespace netdiag {

struct Bar {
    std::string label;
    double value = 0;
    std::string value_text;  // shown at the end of the bar, e.g. "5.41 Gbit/s" or "rejected"
};

// Horizontal bars, one per label, scaled to the largest value.
struct BarChart {
    std::string id;  // unique within the page; becomes the svg's id
    std::string title;
    std::string unit;  // axis caption
    std::vector<Bar> bars;
};

}  // namespace netdiag
