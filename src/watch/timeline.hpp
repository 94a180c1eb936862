// What `netdiag watch` saw, in order: link, address and route events from the OS and the
// heartbeat's send errors, each with its time since the watch started (monotonic) and its wall
// time, so link drops and socket errors line up in one list.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netdiag/error.hpp"
#include "netdiag/link_events.hpp"

namespace netdiag::watch {

inline constexpr std::string_view kHeartbeatErrorKind = "heartbeat_error";

struct TimelineEntry {
    std::chrono::milliseconds at{0};  // since the watch started, steady clock
    std::string wall;                 // UTC, RFC 3339 with milliseconds
    std::string interface_name;       // empty for a heartbeat error or a route without one
    std::string kind;                 // platform::links::to_string(EventKind) or heartbeat_error
    std::string old_state;
    std::string new_state;
    SysError error;  // heartbeat errors only
};

TimelineEntry to_entry(const platform::links::LinkEvent& event,
                       std::chrono::steady_clock::time_point started);

// {"t_ms": …, "wall": …, "interface": …, "kind": …, "old": …, "new": …[, "error": {…}]}
nlohmann::json to_json(const TimelineEntry& entry);
nlohmann::json to_json(const std::vector<TimelineEntry>& timeline);

}  // namespace netdiag::watch
