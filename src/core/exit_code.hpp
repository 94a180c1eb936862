// netdiag's exit status, one place (documented in README.md and docs/exit-codes.md).
#pragma once

#include "netdiag/model.hpp"

namespace netdiag {

enum ExitCode : int {
    exit_ok = 0,            // nothing at or above --fail-on
    exit_findings = 1,      // findings at or above --fail-on
    exit_usage = 2,         // bad command line
    exit_tool_failure = 3,  // netdiag itself failed (report not written, a probe broke)
    exit_interrupted = 130  // SIGINT/SIGTERM: the partial report was still written
};

// 1 when a finding reaches fail_on; else 3 when a probe could not run (status error); else 0.
// An interrupted run is 130 whatever it found.
int exit_code_for(const Report& report, Severity fail_on);

}  // namespace netdiag
