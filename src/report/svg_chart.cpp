#include "report/svg_chart.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/markup.hpp"

namespace netdiag {
namespace {

constexpr int kChartWidth = 640;
constexpr int kLabelWidth = 170;
constexpr int kValueWidth = 110;
constexpr int kRowHeight = 26;
constexpr int kTop = 30;
constexpr int kBottom = 34;

std::string svg_open(const std::string& id, const std::string& title, int height,
                     std::string_view kind) {
    return fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{}\" class=\"chart {}\" "
        "viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">\n"
        "<title>{}</title>\n"
        "<text x=\"0\" y=\"18\" class=\"chart-title\">{}</text>\n",
        xml_escape(id), kind, kChartWidth, height, kChartWidth, height, xml_escape(title),
        xml_escape(title), xml_escape(title));
}

// A "nice" axis maximum (1, 2 or 5 times a power of ten) at or above value.
double nice_ceiling(double value) {
    if (!(value > 0) || !std::isfinite(value)) return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (const double step : {1.0, 2.0, 5.0, 10.0}) {
        if (value <= step * magnitude) return step * magnitude;
    }
    return 10 * magnitude;
}

std::string axis_number(double value) {
    if (value == std::floor(value) && std::abs(value) < 1e9) return fmt::format("{:.0f}", value);
    return fmt::format("{:.3g}", value);
}

std::string_view state_class(const std::string& state) {
    if (state == "up") return "state-up";
    if (state == "down") return "state-down";
    return "state-other";
}

}  // namespace

std::string render_bar_chart(const BarChart& chart) {
    const int plot_width = kChartWidth - kLabelWidth - kValueWidth;
    const int rows = static_cast<int>(chart.bars.size());
    const int height = kTop + rows * kRowHeight + kBottom;
    double largest = 0;
    for (const auto& bar : chart.bars) {
        if (std::isfinite(bar.value)) largest = std::max(largest, bar.value);
    }
    const double axis_max = nice_ceiling(largest);

    std::string svg = svg_open(chart.id, chart.title, height, "bar-chart");
    for (int i = 0; i < rows; ++i) {
        const auto& bar = chart.bars[static_cast<size_t>(i)];
        const double value = std::isfinite(bar.value) ? std::max(bar.value, 0.0) : 0.0;
        const int y = kTop + i * kRowHeight;
        const double width = value / axis_max * plot_width;
        svg += fmt::format(
            "<text x=\"{}\" y=\"{}\" class=\"bar-label\" text-anchor=\"end\">{}</text>\n"
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" "
            "data-value=\"{}\"><title>{}: {}</title></rect>\n"
            "<text x=\"{:.1f}\" y=\"{}\" class=\"bar-value\">{}</text>\n",
            kLabelWidth - 8, y + 17, xml_escape(bar.label), kLabelWidth, y + 4, width,
            kRowHeight - 8, axis_number(value), xml_escape(bar.label), xml_escape(bar.value_text),
            kLabelWidth + width + 6, y + 17, xml_escape(bar.value_text));
    }
    // Axis with four ticks: 0, 1/4 … of the nice maximum.
    const int axis_y = kTop + rows * kRowHeight + 2;
    svg += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                       kLabelWidth, axis_y, kLabelWidth + plot_width, axis_y);
    for (int tick = 0; tick <= 4; ++tick) {
        const double x = kLabelWidth + plot_width * tick / 4.0;
        svg += fmt::format(
            "<text x=\"{:.1f}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{}"
            "</text>\n",
            x, axis_y + 14, axis_number(axis_max * tick / 4.0));
    }
    svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{}</text>\n",
                       kLabelWidth + plot_width / 2, axis_y + 29, xml_escape(chart.unit));
    return svg + "</svg>\n";
}

std::string render_timeline_chart(const TimelineChart& chart) {
    const int plot_width = kChartWidth - kLabelWidth - 20;
    const int rows = static_cast<int>(chart.lanes.size());
    const int height = kTop + rows * kRowHeight + kBottom;
    const double length = chart.length_s > 0 ? chart.length_s : 1;
    const auto x_of = [&](double t) {
        return kLabelWidth + std::clamp(t / length, 0.0, 1.0) * plot_width;
    };

    std::string svg = svg_open(chart.id, chart.title, height, "timeline-chart");
    for (int i = 0; i < rows; ++i) {
        const auto& lane = chart.lanes[static_cast<size_t>(i)];
        const int y = kTop + i * kRowHeight;
        svg += fmt::format(
            "<text x=\"{}\" y=\"{}\" class=\"bar-label\" text-anchor=\"end\">{}</text>\n",
            kLabelWidth - 8, y + 17, xml_escape(lane.label));
        for (const auto& span : lane.spans) {
            const double x = x_of(span.start_s);
            // A 2 s outage in a 10 min watch is under a pixel; keep every drop visible.
            const double width = std::max(span.state == "up" ? 1.0 : 2.5, x_of(span.end_s) - x);
            svg += fmt::format(
                "<rect class=\"span {}\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\">"
                "<title>{} {:.1f}-{:.1f} s</title></rect>\n",
                state_class(span.state), x, y + 4, width, kRowHeight - 8, xml_escape(span.state),
                span.start_s, span.end_s);
        }
        for (const auto& mark : lane.marks) {
            const double x = x_of(mark.at_s);
            svg += fmt::format(
                "<path class=\"mark\" d=\"M{:.1f} {} l5 9 h-10 z\"><title>{:.1f} s: {}</title>"
                "</path>\n",
                x, y + 2, mark.at_s, xml_escape(mark.label));
        }
    }
    const int axis_y = kTop + rows * kRowHeight + 2;
    svg += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                       kLabelWidth, axis_y, kLabelWidth + plot_width, axis_y);
    for (int tick = 0; tick <= 4; ++tick) {
        svg += fmt::format(
            "<text x=\"{:.1f}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{}"
            "</text>\n",
            kLabelWidth + plot_width * tick / 4.0, axis_y + 14, axis_number(length * tick / 4.0));
    }
    svg += fmt::format(
        "<text x=\"{}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">seconds since "
        "start</text>\n",
        kLabelWidth + plot_width / 2, axis_y + 29);
    return svg + "</svg>\n";
}

}  // namespace netdiag
