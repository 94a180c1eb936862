#include "core/exit_code.hpp"

#include <algorithm>

namespace netdiag {

int exit_code_for(const Report& report, Severity fail_on) {
    if (report.interrupted) return exit_interrupted;
    const auto worst = report.worst_severity();
    if (worst && static_cast<int>(*worst) >= static_cast<int>(fail_on)) return exit_findings;
    const bool probe_broke =
        std::any_of(report.probes.begin(), report.probes.end(),
                    [](const auto& p) { return p.status == ProbeStatus::error; });
    return probe_broke ? exit_tool_failure : exit_ok;
}

}  // namespace netdiag
