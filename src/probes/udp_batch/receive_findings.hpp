// Turns the receive-side facts into findings. Pure: every decision is made from ReceiveChecks.
//   ND-UDP-013  the OS refuses the ECN receive option (QUIC endpoints fail to open)
//   ND-UDP-014  an ECT(0) mark sent over loopback does not come back
//   ND-UDP-015  a coalesced read arrives without the segment size that splits it
// Receive coalescing the OS does not offer is a fact in the measurements, not a finding.
#pragma once

#include <vector>

#include "netdiag/model.hpp"
#include "receive_facts.hpp"

namespace netdiag::probes::udp_batch {

void append_receive_findings(const ReceiveChecks& checks, std::vector<Finding>& out);

}  // namespace netdiag::probes::udp_batch
