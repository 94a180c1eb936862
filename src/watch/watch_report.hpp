// A finished watch as netdiag's report: the same shape as `netdiag probe` (host facts, one
// result with id "watch", its findings and measurements, the summary) plus a top-level
// `timeline`, so a ticket gets one kind of file whichever command made it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "netdiag/model.hpp"
#include "netdiag/platform.hpp"
#include "watch/watch_session.hpp"

namespace netdiag::watch {

struct WatchReport {
    Report report;
    nlohmann::json timeline = nlohmann::json::array();
};

// heartbeat_target: the --heartbeat text, empty without one. redact: --redact, applied to the
// report and the timeline with one set of placeholders.
WatchReport build_watch_report(const WatchRecord& record, const platform::HostSnapshot& host,
                               const std::string& heartbeat_target, bool redact);

std::string render_watch_json(const WatchReport& watch);

// One line per interface for the end of the live output: "no events" or the drops, period and
// jitter.
std::string render_watch_summary(const WatchReport& watch);

}  // namespace netdiag::watch
