#include "watch/watch_report.hpp"

#include <fmt/format.h>

#include "core/duration.hpp"
#include "core/redaction.hpp"
#include "netdiag/version.hpp"
#include "watch/drop_analysis.hpp"
#include "watch/watch_findings.hpp"

namespace netdiag::watch {
namespace {

nlohmann::json drops_table(const std::vector<InterfaceDrops>& drops) {
    auto rows = nlohmann::json::array();
    for (const auto& d : drops) {
        rows.push_back({d.interface_name, d.outages.size(),
                        d.intervals_s.empty() ? "-" : format_seconds(d.mean_interval_s),
                        d.intervals_s.size() < 2 ? "-" : format_jitter(d.jitter_s),
                        d.intervals_s.size() < 2 ? "-" : fmt::format("{:.3f}", d.cv),
                        d.periodic ? "yes" : "no",
                        d.mean_outage_s ? format_seconds(*d.mean_outage_s) : "-"});
    }
    return {{"title", "link drops"},
            {"columns", {"interface", "drops", "interval", "jitter", "cv", "periodic", "outage"}},
            {"rows", std::move(rows)}};
}

nlohmann::json drops_json(const std::vector<InterfaceDrops>& drops) {
    auto array = nlohmann::json::array();
    for (const auto& d : drops) {
        auto starts = nlohmann::json::array();
        auto lengths = nlohmann::json::array();
        for (const auto& o : d.outages) {
            starts.push_back(o.start.count());
            lengths.push_back(o.length ? nlohmann::json(o.length->count()) : nlohmann::json());
        }
        array.push_back({{"interface", d.interface_name},
                         {"drops", d.outages.size()},
                         {"drop_t_ms", std::move(starts)},
                         {"outage_ms", std::move(lengths)},
                         {"intervals_s", d.intervals_s},
                         {"period_s", d.mean_interval_s},
                         {"jitter_s", d.jitter_s},
                         {"cv", d.cv},
                         {"periodic", d.periodic}});
    }
    return array;
}

nlohmann::json interfaces_json(const WatchRecord& record) {
    auto array = nlohmann::json::array();
    for (const auto& i : record.initial) {
        array.push_back({{"interface", i.name},
                         {"index", i.index},
                         {"state", std::string(platform::links::to_string(i.state))},
                         {"addresses", i.addresses}});
    }
    return array;
}

nlohmann::json source_json(const platform::links::SourceStatus& source) {
    nlohmann::json j = {{"mechanism", source.mechanism}, {"notes", source.notes}};
    if (source.initial_notification_seen) {
        j["initial_notification_seen"] = *source.initial_notification_seen;
    }
    return j;
}

ProbeResult watch_result(const WatchRecord& record, const platform::HostSnapshot& host,
                         const std::string& heartbeat_target) {
    ProbeResult result;
    result.probe = "watch";
    result.duration = record.watched;
    if (!record.failure.empty()) {
        result.status = ProbeStatus::error;
        result.reason = "cannot watch link events: " + record.failure;
        return result;
    }
    WatchFacts facts;
    facts.watched = record.watched;
    facts.drops = analyse_drops(record.timeline);
    facts.address_losses = analyse_address_losses(record.timeline);
    facts.heartbeat = analyse_heartbeat(record.timeline, facts.drops, record.watched);
    facts.heartbeat_target = heartbeat_target;
    facts.source = record.source;
    result.findings = judge_watch(facts, host);
    result.status = status_from_findings(result.findings);

    auto& m = result.measurements;
    m["watched_ms"] = record.watched.count();
    m["events"] = record.timeline.size() - static_cast<std::size_t>(facts.heartbeat.total);
    m["interfaces_watched"] = record.initial.size();
    m["event_source"] = source_json(record.source);
    m["interfaces"] = interfaces_json(record);
    m["drops"] = drops_json(facts.drops);
    if (!heartbeat_target.empty()) {
        m["heartbeat"] = {{"target", heartbeat_target},
                          {"sent", record.heartbeat_sent},
                          {"failed", record.heartbeat_failed},
                          {"pinned_source", record.heartbeat_source},
                          {"failure", record.heartbeat_failure}};
        m["heartbeat_failed"] = record.heartbeat_failed;
    }
    if (!facts.drops.empty()) m["tables"] = nlohmann::json::array({drops_table(facts.drops)});
    return result;
}

}  // namespace

WatchReport build_watch_report(const WatchRecord& record, const platform::HostSnapshot& host,
                               const std::string& heartbeat_target, bool redact) {
    WatchReport watch;
    auto& report = watch.report;
    report.tool.version = std::string(version());
    report.tool.git_commit = std::string(git_commit());
    report.started_at = format_utc(record.started_wall);
    report.duration = record.watched;
    report.host = platform::to_json(host);
    report.interrupted = record.interrupted;
    report.probes.push_back(watch_result(record, host, heartbeat_target));
    watch.timeline = to_json(record.timeline);
    if (redact) {
        // One redactor for both, so an address has the same placeholder in the findings and in
        // the timeline.
        Redactor redactor;
        const auto& facts = report.host["facts"];
        if (facts.contains("hostname") && facts["hostname"].is_string()) {
            redactor.add_host_name(facts["hostname"].get<std::string>());
        }
        redactor.redact_report(report);
        redactor.redact_json(watch.timeline);
    }
    return watch;
}

std::string render_watch_json(const WatchReport& watch) {
    auto document = to_json(watch.report);
    document["timeline"] = watch.timeline;
    return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string render_watch_summary(const WatchReport& watch) {
    const auto& result = watch.report.probes.front();
    const auto watched = format_seconds(static_cast<double>(watch.report.duration.count()) / 1000);
    if (result.status == ProbeStatus::error) return fmt::format("watch: {}\n", result.reason);
    const auto& m = result.measurements;
    const auto events = m.value("events", 0);
    std::string out =
        fmt::format("watch: {} over {} interface(s) for {}{}",
                    events == 0 ? std::string("no events") : fmt::format("{} event(s)", events),
                    m.value("interfaces_watched", 0), watched,
                    watch.report.interrupted ? " (interrupted)" : "");
    if (m.contains("heartbeat")) {
        out += fmt::format("; heartbeat {} sent, {} failed", m["heartbeat"].value("sent", 0),
                           m["heartbeat"].value("failed", 0));
    }
    out += "\n";
    for (const auto& d : m["drops"]) {
        out += fmt::format("  {}: {} drop(s)", d["interface"].get<std::string>(),
                           d["drops"].get<int>());
        if (d["periodic"].get<bool>()) {
            out += fmt::format(", periodic: every {} ± {}",
                               format_seconds(d["period_s"].get<double>()),
                               format_jitter(d["jitter_s"].get<double>()));
        } else if (d["intervals_s"].size() >= kPeriodicMinIntervals) {
            out += fmt::format(", not periodic (cv {:.3f})", d["cv"].get<double>());
        }
        out += "\n";
    }
    return out;
}

}  // namespace netdiag::watch
