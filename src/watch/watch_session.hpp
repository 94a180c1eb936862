// One `netdiag watch` run: opens the OS's link event source (and the heartbeat, if asked),
// records every event in a timeline until the duration ends or the run is interrupted, and
// hands each entry to a live sink as it arrives. Everything runs on one Asio io_context on the
// calling thread; the process sleeps in the kernel until an event, a heartbeat tick or the end.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "netdiag/link_events.hpp"
#include "netdiag/udp_send.hpp"
#include "watch/timeline.hpp"

namespace netdiag::watch {

struct WatchOptions {
    std::chrono::milliseconds duration{std::chrono::minutes(10)};
    std::vector<std::string> interfaces;  // only these; empty = every interface
    std::optional<platform::udp::Endpoint> heartbeat;
    std::string heartbeat_source;  // pinned source address; empty: the route's choice
    std::chrono::milliseconds heartbeat_interval{100};
    // The process's SIGINT/SIGTERM flag, read once when the watch starts (a signal before then);
    // during the watch the signals are events on its loop.
    const std::atomic<bool>* interrupt = nullptr;
    // Receives each timeline entry as it happens (live output).
    std::function<void(const TimelineEntry&)> on_entry;
};

struct WatchRecord {
    std::chrono::system_clock::time_point started_wall;
    std::chrono::milliseconds watched{0};
    std::vector<TimelineEntry> timeline;
    std::vector<platform::links::InterfaceStatus> initial;  // filtered like the timeline
    platform::links::SourceStatus source;
    std::size_t heartbeat_sent = 0;
    std::size_t heartbeat_failed = 0;
    std::string heartbeat_source;   // the pinned source, empty when the route chose
    std::string heartbeat_failure;  // the heartbeat could not start
    bool interrupted = false;
    std::string failure;  // the event source could not be opened: nothing was watched
};

// started_callback, when set, runs once the source is listening (before any wait): tests and
// the live output use it to say "watching".
WatchRecord run_watch(const WatchOptions& options,
                      const std::function<void(const WatchRecord&)>& started_callback = {});

}  // namespace netdiag::watch
