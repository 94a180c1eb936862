// Turns a udp-batch run into findings. Pure: every decision is made from UdpBatchRun alone.
#pragma once

#include <vector>

#include "netdiag/model.hpp"
#include "udp_batch_run.hpp"

namespace netdiag::udp_batch {

std::vector<Finding> analyse(const UdpBatchRun& run);

// A udp-batch finding with its page (docs/findings/<id>.md).
Finding make_udp_finding(std::string id, Severity severity, std::string title, std::string detail,
                         nlohmann::json evidence, std::vector<std::string> remedy);

}  // namespace netdiag::udp_batch
