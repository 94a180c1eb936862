// Probe `udp-batch`: which batched UDP send paths this host accepts (sendmmsg, GSO/USO as a
// control message and as a socket option), whether the datagrams arrive intact and segmented,
// whether a pinned source address still works, and each path's throughput.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "netdiag/probe.hpp"

namespace netdiag::probes::udp_batch {

std::unique_ptr<Probe> make_probe();
// Everything the registry and the CLI need to know about this probe.
ProbeDescription description();

}  // namespace netdiag::probes::udp_batch
