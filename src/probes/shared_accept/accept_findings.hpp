// Findings of the shared-accept probe, from the pattern runs alone (pure, unit-tested).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "accept_analysis.hpp"
#include "netdiag/model.hpp"

namespace netdiag::probes::shared_accept {

inline constexpr std::string_view kIdPatternFails = "ND-ACCEPT-001";
inline constexpr std::string_view kIdUnevenSpread = "ND-ACCEPT-002";
inline constexpr std::string_view kIdWorkerCrashed = "ND-ACCEPT-003";
inline constexpr std::string_view kIdOpenFiles = "ND-ACCEPT-004";
inline constexpr std::string_view kIdUnavailable = "ND-ACCEPT-005";
inline constexpr std::string_view kIdUnserved = "ND-ACCEPT-006";
inline constexpr std::string_view kIdWorkersNotStarted = "ND-ACCEPT-007";

struct JudgeInput {
    std::vector<PatternRun> runs;
    std::vector<platform::accept::UnavailablePattern> unavailable;
    std::optional<std::uint64_t> open_files_limit;
    unsigned connections = 0;  // the configured count (--accept-connections)
    unsigned workers = 0;
};

std::vector<Finding> judge(const JudgeInput& input);

}  // namespace netdiag::probes::shared_accept
