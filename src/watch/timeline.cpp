#include "watch/timeline.hpp"

#include "core/duration.hpp"

namespace netdiag::watch {

TimelineEntry to_entry(const platform::links::LinkEvent& event,
                       std::chrono::steady_clock::time_point started) {
    TimelineEntry entry;
    entry.at = std::chrono::duration_cast<std::chrono::milliseconds>(event.monotonic - started);
    entry.wall = format_utc(event.wall);
    entry.interface_name = event.interface_name;
    entry.kind = std::string(platform::links::to_string(event.kind));
    entry.old_state = event.old_state;
    entry.new_state = event.new_state;
    return entry;
}

nlohmann::json to_json(const TimelineEntry& entry) {
    nlohmann::json j = {
        {"t_ms", entry.at.count()}, {"wall", entry.wall},     {"interface", entry.interface_name},
        {"kind", entry.kind},       {"old", entry.old_state}, {"new", entry.new_state}};
    if (entry.error) j["error"] = entry.error.to_evidence();
    return j;
}

nlohmann::json to_json(const std::vector<TimelineEntry>& timeline) {
    auto array = nlohmann::json::array();
    for (const auto& entry : timeline) array.push_back(to_json(entry));
    return array;
}

}  // namespace netdiag::watch
