// The findings of `netdiag watch`, from the analysis and the host facts (a USB adapter with
// autosuspend is the likely cause of periodic drops, so its facts go into the evidence and
// decide the remedies).
#pragma once

#include <chrono>
#include <string_view>
#include <vector>

#include "netdiag/link_events.hpp"
#include "netdiag/model.hpp"
#include "netdiag/platform.hpp"
#include "watch/drop_analysis.hpp"

namespace netdiag::watch {

inline constexpr std::string_view kPeriodicDrops = "ND-WATCH-001";
inline constexpr std::string_view kLinkDrops = "ND-WATCH-002";
inline constexpr std::string_view kAddressLost = "ND-WATCH-003";
inline constexpr std::string_view kHeartbeatErrors = "ND-WATCH-004";
inline constexpr std::string_view kSourceLimited = "ND-WATCH-005";

// Every finding id of watch's own, for `netdiag list` and `netdiag explain`. Watch also reports
// the host probe's power findings (ND-HOST-006..008) for the adapters that dropped.
std::vector<std::string_view> watch_finding_ids();

struct WatchFacts {
    std::chrono::milliseconds watched{0};
    std::vector<InterfaceDrops> drops;
    std::vector<AddressLoss> address_losses;
    HeartbeatErrors heartbeat;
    std::string heartbeat_target;  // empty: no heartbeat
    platform::links::SourceStatus source;
};

std::vector<Finding> judge_watch(const WatchFacts& facts, const platform::HostSnapshot& host);

}  // namespace netdiag::watch
