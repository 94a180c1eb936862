// Findings of the shared-accept probe, from the pattern runs alone (pure, unit-tested).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "accept_analysis.hpp"
#include "netdiag/model.hpp"

namespace netdiag::probes::shared_accept {

inline constexpr std::string_view id_pattern_fails = "ND-ACCEPT-001";
inline constexpr std::string_view id_uneven_spread = "ND-ACCEPT-002";
inline constexpr std::string_view id_worker_crashed = "ND-ACCEPT-003";
inline constexpr std::string_view id_open_files = "ND-ACCEPT-004";
inline constexpr std::string_view id_unavailable = "ND-ACCEPT-005";
inline constexpr std::string_view id_unserved = "ND-ACCEPT-006";
inline constexpr std::string_view id_workers_not_started = "ND-ACCEPT-007";

struct JudgeInput {
    std::vector<PatternRun> runs;
    std::vector<platform::accept::UnavailablePattern> unavailable;
    std::optional<std::uint64_t> open_files_limit;
    unsigned connections = 0;  // the configured count (--accept-connections)
    unsigned workers = 0;
};

std::vector<Finding> judge(const JudgeInput& input);

}  // namespace netdiag::probes::shared_accept
