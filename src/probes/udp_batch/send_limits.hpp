// Discovers the kernel's segmentation limits instead of assuming them: how many segments one
// call may carry (64 on older Linux kernels, 128 on newer) and how large the whole may be
// (just under 64 KiB), by sending to a loopback socket that nobody reads.
#pragma once

#include <chrono>

#include "netdiag/udp_send.hpp"
#include "udp_batch_run.hpp"

namespace netdiag::probes::udp_batch {

SendLimits discover_send_limits(platform::udp::Family family,
                                std::chrono::steady_clock::time_point deadline);

}  // namespace netdiag::probes::udp_batch
