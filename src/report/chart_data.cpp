#include "report/chart_data.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "report/measurement_fields.hpp"

namespace netdiag {
namespace {
using measurement::member;
using measurement::number_of;
using measurement::text_of;
using nlohmann::json;

// Seconds since the start of the timeline, from the first time field an event carries.
std::optional<double> event_seconds(const json& event) {
    for (const char* key : {"offset_s", "t_s", "elapsed_s", "at_s"}) {
        if (const auto v = number_of(member(event, key))) return *v;
    }
    for (const char* key : {"offset_ms", "t_ms", "elapsed_ms", "at_ms", "monotonic_ms"}) {
        if (const auto v = number_of(member(event, key))) return *v / 1000.0;
    }
    return std::nullopt;
}

bool is_heartbeat_error(const json& event) {
    const auto kind = text_of(member(event, "kind"));
    return kind.find("heartbeat") != std::string::npos ||
           (kind.find("error") != std::string::npos && !member(event, "interface").is_string());
}

std::string event_state(const json& event) {
    for (const char* key : {"new", "new_state", "state", "oper_state"}) {
        const auto state = text_of(member(event, key));
        if (!state.empty()) return state;
    }
    return {};
}

}  // namespace

std::optional<TimelineChart> timeline_chart(const json& timeline, double minimum_length_s) {
    const json& events = timeline.is_array() ? timeline : member(timeline, "events");
    if (!events.is_array() || events.empty()) return std::nullopt;

    TimelineChart chart{
        "chart-timeline", "watch: link state and heartbeat errors over time", 0, {}};
    for (const char* key : {"duration_s", "length_s"}) {
        if (const auto v = number_of(member(timeline, key))) chart.length_s = *v;
    }
    if (const auto v = number_of(member(timeline, "duration_ms"))) chart.length_s = *v / 1000.0;

    // Per interface: the state since when, closed into a span at each change.
    struct Open {
        size_t lane;
        double since;
        std::string state;
    };
    std::map<std::string, Open> open;
    std::optional<size_t> heartbeat_lane;
    auto lane_for = [&](const std::string& label) {
        for (size_t i = 0; i < chart.lanes.size(); ++i) {
            if (chart.lanes[i].label == label) return i;
        }
        chart.lanes.push_back({label, {}, {}});
        return chart.lanes.size() - 1;
    };
    double last = 0;
    for (const auto& event : events) {
        const auto at = event_seconds(event);
        if (!at) continue;
        last = std::max(last, *at);
        if (is_heartbeat_error(event)) {
            if (!heartbeat_lane) heartbeat_lane = lane_for("heartbeat");
            const auto& error = member(event, "error");
            auto label = error.is_object() ? text_of(member(error, "errno_name")) : text_of(error);
            if (label.empty()) label = text_of(error);
            chart.lanes[*heartbeat_lane].marks.push_back({*at, "heartbeat: " + label});
            continue;
        }
        const auto interface = text_of(member(event, "interface"));
        if (interface.empty()) continue;
        const auto lane = lane_for(interface);
        const auto state = event_state(event);
        const auto kind = text_of(member(event, "kind"));
        if (state.empty() || (kind != "" && kind.find("link") == std::string::npos)) {
            // Address and route changes: a mark on the interface's lane.
            auto what = text_of(member(event, "new"));
            if (what.empty()) what = text_of(member(event, "old"));
            chart.lanes[lane].marks.push_back({*at, what.empty() ? kind : kind + ": " + what});
            continue;
        }
        auto it = open.find(interface);
        if (it == open.end()) {
            auto old_state = text_of(member(event, "old"));
            if (old_state.empty()) old_state = text_of(member(event, "old_state"));
            if (!old_state.empty()) chart.lanes[lane].spans.push_back({0, *at, old_state});
            open[interface] = {lane, *at, state};
        } else {
            chart.lanes[lane].spans.push_back({it->second.since, *at, it->second.state});
            it->second = {lane, *at, state};
        }
    }
    if (chart.lanes.empty()) return std::nullopt;
    chart.length_s = std::max({chart.length_s, last, minimum_length_s});
    for (const auto& [interface, o] : open) {
        chart.lanes[o.lane].spans.push_back({o.since, chart.length_s, o.state});
    }
    return chart;
}

}  // namespace netdiag
