// Turns a udp-batch run into findings. Pure: every decision is made from UdpBatchRun alone.
#pragma once

#include <vector>

#include "netdiag/model.hpp"
#include "udp_batch_run.hpp"

namespace netdiag::probes::udp_batch {

std::vector<Finding> judge(const UdpBatchRun& run);

inline constexpr FindingFactory make_udp_finding{"udp-batch"};

}  // namespace netdiag::probes::udp_batch
