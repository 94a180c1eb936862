// The families every report has: the run, each probe's status and duration, and the findings.
#include <iterator>
#include <map>
#include <tuple>

#include "core/duration.hpp"
#include "report/report_metrics.hpp"

namespace netdiag {
namespace {

using metrics::Family;

constexpr ProbeStatus kAllStatuses[] = {ProbeStatus::pass, ProbeStatus::warn, ProbeStatus::fail,
                                        ProbeStatus::skip, ProbeStatus::error};
constexpr Severity kAllSeverities[] = {Severity::info, Severity::warning, Severity::error};

std::vector<Family> run_families(const Report& report) {
    std::vector<Family> out;
    out.push_back({"netdiag_build_info",
                   "The netdiag version that made the report (always 1).",
                   {{{{"version", report.tool.version}}, 1}}});
    if (const auto started = parse_utc(report.started_at)) {
        // In milliseconds, as the report has it: 1796049264.858, not 1796049264.8579998.
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(started->time_since_epoch());
        out.push_back({"netdiag_run_timestamp_seconds",
                       "Unix time the run started; compare with time() to see a run is overdue.",
                       {{{}, to_seconds(ms)}}});
    }
    out.push_back({"netdiag_run_duration_seconds",
                   "How long the whole run took.",
                   {{{}, to_seconds(report.duration)}}});
    out.push_back({"netdiag_run_interrupted",
                   "1 when the run was interrupted (SIGINT/SIGTERM) and the report is partial.",
                   {{{}, report.interrupted ? 1.0 : 0.0}}});
    const auto counts = report.summary();
    const int by_severity[] = {counts.findings_info, counts.findings_warning,
                               counts.findings_error};
    Family findings{"netdiag_run_findings", "Findings of the run by severity.", {}};
    for (const auto severity : kAllSeverities) {
        findings.samples.push_back({{{"severity", std::string(to_string(severity))}},
                                    static_cast<double>(by_severity[static_cast<int>(severity)])});
    }
    out.push_back(std::move(findings));
    return out;
}

// One series per probe and status, 1 for the probe's status and 0 for the others, so an alert
// on status="fail" resolves when the probe passes again instead of losing its series.
std::vector<Family> probe_families(const Report& report) {
    Family status{"netdiag_probe_status",
                  "1 for the status the probe ended with (pass, warn, fail, skip, error), else 0.",
                  {}};
    Family duration{"netdiag_probe_duration_seconds", "How long each probe ran.", {}};
    for (const auto& probe : report.probes) {
        for (const auto s : kAllStatuses) {
            status.samples.push_back(
                {{{"probe", probe.probe}, {"status", std::string(to_string(s))}},
                 probe.status == s ? 1.0 : 0.0});
        }
        duration.samples.push_back({{{"probe", probe.probe}}, to_seconds(probe.duration)});
    }
    return {std::move(status), std::move(duration)};
}

// A finding id can occur several times in a probe (once per interface, per path); its series
// is one per (id, probe, severity), and the occurrences are counted beside it.
std::vector<Family> finding_families(const Report& report) {
    using Key = std::tuple<size_t, std::string, Severity>;  // probe index, id, severity
    std::map<Key, int> occurrences;
    for (size_t p = 0; p < report.probes.size(); ++p) {
        for (const auto& f : report.probes[p].findings) ++occurrences[{p, f.id, f.severity}];
    }
    Family present{"netdiag_finding",
                   "1 for each finding the run reported (netdiag explain ID says what it means).",
                   {}};
    Family count{"netdiag_finding_occurrences",
                 "How many times the run reported the finding (e.g. once per interface).",
                 {}};
    for (const auto& [key, n] : occurrences) {
        const auto& [p, id, severity] = key;
        const metrics::Labels labels{{"id", id},
                                     {"probe", report.probes[p].probe},
                                     {"severity", std::string(to_string(severity))}};
        present.samples.push_back({labels, 1});
        count.samples.push_back({labels, static_cast<double>(n)});
    }
    return {std::move(present), std::move(count)};
}

}  // namespace

std::vector<Family> run_metric_families(const Report& report) {
    auto out = run_families(report);
    for (auto* part : {&probe_families, &finding_families}) {
        auto families = (*part)(report);
        std::move(families.begin(), families.end(), std::back_inserter(out));
    }
    return out;
}

}  // namespace netdiag
