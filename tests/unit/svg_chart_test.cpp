// The SVG charts and the chart data read from measurements and timelines.
#include <catch2/catch.hpp>

#include <regex>

#include "netdiag/probe.hpp"
#include "probes/shared_accept/accept_charts.hpp"
#include "probes/udp_batch/udp_charts.hpp"
#include "report/chart_data.hpp"
#include "report/svg_chart.hpp"
#include "report_samples.hpp"

using namespace netdiag;
using nlohmann::json;
using netdiag::probes::shared_accept::accept_charts;
using netdiag::probes::udp_batch::udp_charts;

namespace {

std::vector<double> bar_widths(const std::string& svg) {
    std::vector<double> widths;
    const std::regex bar("<rect class=\"bar\" [^>]*width=\"([0-9.]+)\"");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), bar); it != std::sregex_iterator();
         ++it) {
        widths.push_back(std::stod((*it)[1]));
    }
    return widths;
}

}  // namespace

TEST_CASE("bar chart: one bar per value, widths proportional, labels escaped") {
    const BarChart chart{"c1", "t<1>", "Gbit/s", {{"a&b", 2, "2"}, {"c", 4, "4"}, {"d", 0, "0"}}};
    const auto svg = render_bar_chart(chart);
    CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"c1\"", 0) == 0);
    CHECK(svg.find("t&lt;1&gt;") != std::string::npos);
    CHECK(svg.find(">a&amp;b</text>") != std::string::npos);
    const auto widths = bar_widths(svg);
    REQUIRE(widths.size() == 3);
    CHECK(widths[1] == Approx(2 * widths[0]).epsilon(0.01));
    CHECK(widths[2] == 0);
}

TEST_CASE("udp-batch and shared-accept measurements become charts through their descriptions") {
    const auto report = testing::sample_report();
    const auto udp = find_probe("udp-batch")->charts(report.probes[1].measurements);
    REQUIRE(udp.size() == 1);
    REQUIRE(udp[0].bars.size() == 3);
    CHECK(udp[0].bars[1].label == "segmentation-cmsg");
    CHECK(udp[0].bars[1].value == 5.0);
    CHECK(udp[0].bars[2].value_text == "rejected");

    const auto accept = find_probe("shared-accept")->charts(report.probes[2].measurements);
    REQUIRE(accept.size() == 1);
    CHECK(accept[0].id == "chart-accept-inherit-accept");
    REQUIRE(accept[0].bars.size() == 2);
    CHECK(accept[0].bars[1].value == 70);
    CHECK(accept[0].bars[1].value_text == "70 (70%)");

    CHECK(udp_charts(json::object()).empty());
    CHECK(accept_charts(json{{"patterns", 3}}).empty());
    // Probes without pictures have no hook; the HTML writer skips them.
    CHECK_FALSE(find_probe("host")->charts);
}

TEST_CASE("timeline: state spans per interface and heartbeat marks") {
    const json events = json::array({
        {{"t_ms", 1000},
         {"interface", "eth1"},
         {"kind", "link_down"},
         {"old", "up"},
         {"new", "down"}},
        {{"t_ms", 1100},
         {"interface", ""},
         {"kind", "heartbeat_error"},
         {"error", {{"errno_name", "ENETUNREACH"}}}},
        {{"t_ms", 3000},
         {"interface", "eth1"},
         {"kind", "link_up"},
         {"old", "down"},
         {"new", "up"}},
        {{"t_ms", 3500}, {"interface", "eth1"}, {"kind", "address_added"}, {"new", "10.0.0.2/24"}},
    });
    const auto chart = timeline_chart(events);
    REQUIRE(chart);
    CHECK(chart->length_s == Approx(3.5));
    REQUIRE(chart->lanes.size() == 2);
    const auto& eth1 = chart->lanes[0];
    CHECK(eth1.label == "eth1");
    REQUIRE(eth1.spans.size() == 3);
    CHECK(eth1.spans[0].state == "up");
    CHECK(eth1.spans[0].end_s == Approx(1.0));
    CHECK(eth1.spans[1].state == "down");
    CHECK(eth1.spans[1].end_s == Approx(3.0));
    CHECK(eth1.spans[2].state == "up");
    REQUIRE(eth1.marks.size() == 1);
    CHECK(eth1.marks[0].label == "address_added: 10.0.0.2/24");
    CHECK(chart->lanes[1].label == "heartbeat");
    CHECK(chart->lanes[1].marks[0].label == "heartbeat: ENETUNREACH");

    const auto svg = render_timeline_chart(*chart);
    CHECK(svg.find("class=\"span state-down\"") != std::string::npos);
    CHECK(svg.find("class=\"mark\"") != std::string::npos);
    const auto longer = timeline_chart(events, 60);
    REQUIRE(longer);
    CHECK(longer->length_s == 60);
    CHECK(longer->lanes[0].spans.back().end_s == 60);  // still up at the end of the watch
    CHECK_FALSE(timeline_chart(json::array()));
    CHECK_FALSE(timeline_chart(json()));
}
