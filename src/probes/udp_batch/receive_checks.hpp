// The receive-side checks of udp-batch, over loopback only: an ECT(0)-marked datagram to a
// receiver that asked for ECN marks (IPv4 and IPv6), and a segmented batch to a receiver that
// asked for receive coalescing. They gather facts (receive_facts.hpp) through the platform's
// receive calls (netdiag/udp_receive.hpp); receive_findings.cpp judges them.
#pragma once

#include <chrono>
#include <cstddef>

#include "receive_facts.hpp"

namespace netdiag::probes::udp_batch {

// What the coalescing check sends: 4 segments of 1000 bytes, as one segmented call where the
// OS takes it, else one datagram per call.
inline constexpr std::size_t kCoalescingSegmentSize = 1000;
inline constexpr std::size_t kCoalescingSegments = 4;

EcnCheck check_ecn(platform::udp::Family family, std::chrono::steady_clock::time_point deadline);
// A receiver bound to an ephemeral loopback port and a sender, both IPv4.
CoalescingCheck check_receive_coalescing(std::chrono::steady_clock::time_point deadline);
// The same exchange on sockets the caller opened: receiver bound where sender can reach it
// (the namespace tests put them on either side of a veth pair).
CoalescingCheck check_receive_coalescing(platform::udp::UdpSocket& receiver,
                                         platform::udp::UdpSocket& sender,
                                         std::chrono::steady_clock::time_point deadline);

// Both ECN families, then coalescing.
ReceiveChecks run_receive_checks(std::chrono::steady_clock::time_point deadline);

}  // namespace netdiag::probes::udp_batch
