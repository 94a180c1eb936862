// Turns a udp-batch run into findings. Pure: every decision is made from UdpBatchRun alone.
#pragma once

#include <vector>

#include "netdiag/model.hpp"
#include "udp_batch_run.hpp"

namespace netdiag::udp_batch {

// Finding ids this probe can emit (the registry lists them).
inline const std::vector<std::string_view> finding_ids = {
    "ND-UDP-001", "ND-UDP-002", "ND-UDP-003", "ND-UDP-004", "ND-UDP-005", "ND-UDP-006",
    "ND-UDP-007", "ND-UDP-008", "ND-UDP-009", "ND-UDP-010", "ND-UDP-011", "ND-UDP-012",
    "ND-UDP-013", "ND-UDP-014", "ND-UDP-015", "ND-UDP-016"};

std::vector<Finding> analyse(const UdpBatchRun& run);

// A udp-batch finding with its page (docs/findings/<id>.md).
Finding make_udp_finding(std::string id, Severity severity, std::string title, std::string detail,
                         nlohmann::json evidence, std::vector<std::string> remedy);

}  // namespace netdiag::udp_batch
