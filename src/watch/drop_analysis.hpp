// The analysis behind `netdiag watch`: from a timeline, per interface, the drops (a link leaving
// `up`), how long each outage lasted, the intervals between drops, and whether the drops are
// periodic. Pure: no clocks, no OS.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "watch/timeline.hpp"

namespace netdiag::watch {

// Drops are called periodic when there are at least this many intervals between them…
inline constexpr std::size_t kPeriodicMinIntervals = 3;
// …and the intervals' coefficient of variation (sample standard deviation / mean) is below
// this. A dock that drops every 121 s ± 3 s has CV 0.025; a timer-driven fault stays under
// 0.1; exponential (random) gaps have CV 1 and uniform ones about 0.58, so 0.15 separates the
// two with room on both sides (docs/probes/watch.md).
inline constexpr double kPeriodicMaxCv = 0.15;

struct Outage {
    std::chrono::milliseconds start{0};               // when the link left `up`
    std::optional<std::chrono::milliseconds> length;  // empty: still down when the watch ended
    std::string down_state;                           // the state it went to: no-carrier, …
};

struct InterfaceDrops {
    std::string interface_name;
    std::vector<Outage> outages;
    std::vector<double> intervals_s;  // between consecutive drops
    double mean_interval_s = 0;       // the period when periodic
    double jitter_s = 0;              // sample standard deviation of the intervals
    double cv = 0;                    // jitter / mean
    bool periodic = false;
    std::optional<double> mean_outage_s;  // over the outages that ended
};

// An address that went away from an interface during the watch, and whether it came back.
struct AddressLoss {
    std::string interface_name;
    std::string address;
    int removed = 0;
    int re_added = 0;
};

struct HeartbeatErrors {
    int total = 0;
    int during_outages = 0;                // sent while some watched interface was not up
    std::vector<std::string> error_names;  // distinct, in order of first appearance
};

// Interfaces with at least one drop, in order of their first drop.
std::vector<InterfaceDrops> analyse_drops(const std::vector<TimelineEntry>& timeline);
std::vector<AddressLoss> analyse_address_losses(const std::vector<TimelineEntry>& timeline);
HeartbeatErrors analyse_heartbeat(const std::vector<TimelineEntry>& timeline,
                                  const std::vector<InterfaceDrops>& drops,
                                  std::chrono::milliseconds watched);

// "2.00 s", "121 s", "9.5 min": seconds as a person reads them.
std::string format_seconds(double seconds);
// A spread: "3 ms" under a second, else as format_seconds.
std::string format_jitter(double seconds);

}  // namespace netdiag::watch
