// `netdiag diff OLD NEW`: what changed between two reports of the same host (or of a build
// before and after a change): findings that appeared or were resolved, probe status changes,
// and numeric measurements that moved more than a threshold. `worse` decides the exit status,
// so CI can gate on regressions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netdiag/model.hpp"

namespace netdiag {

struct DiffOptions {
    double threshold = 0.20;  // a measurement moved when |new - old| / |old| exceeds this
    Severity fail_on = Severity::warning;  // an appeared finding at or above this is worse
};

struct StatusChange {
    std::string probe;
    std::optional<ProbeStatus> before;  // nullopt: the probe was not in that report
    std::optional<ProbeStatus> after;
    bool worse = false;
};

struct MeasurementMove {
    std::string probe;
    std::string path;  // e.g. "paths/segmentation-cmsg/throughput/gbit_per_second"
    double before = 0;
    double after = 0;
    double relative = 0;  // (after - before) / |before|; infinity when before is 0
};

struct ReportDiff {
    std::vector<Finding> appeared;
    std::vector<Finding> resolved;
    std::vector<StatusChange> status_changes;
    std::vector<MeasurementMove> moved;
    std::vector<std::string> worse_because;  // empty: nothing got worse
    bool worse() const { return !worse_because.empty(); }
};

ReportDiff diff_reports(const Report& before, const Report& after, const DiffOptions& options);

std::string render_diff_text(const ReportDiff& diff, const std::string& before_name,
                             const std::string& after_name);
nlohmann::json to_json(const ReportDiff& diff);

// The identity of a finding across runs: its id plus the evidence that names what it is about
// (interface, path, file, function, worker …), not the numbers that vary from run to run.
std::string finding_identity(const Finding& finding);

}  // namespace netdiag
