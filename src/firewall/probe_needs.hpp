// What the run's probes need the firewall to let in, from their options: the multicast group
// and port, the SPICE ports, the shared-accept listener's port range, `netdiag peer`'s port,
// and the programs (netdiag itself and --program paths).
#pragma once

#include <chrono>
#include <string>

#include "firewall/rule_match.hpp"
#include "netdiag/probe.hpp"

namespace netdiag::fw {

// The ephemeral range Windows hands out (and so the port the shared-accept listener gets).
inline constexpr std::uint16_t kDynamicPortFirst = 49152;
inline constexpr std::uint16_t kDynamicPortLast = 65535;

// `self` is this executable's path.
NeedSet needs_for(const ProbeOptions& options, const std::string& self);

// The need of `netdiag peer` on its port: UDP datagrams and the TCP control connection.
std::vector<TrafficNeed> peer_needs(std::uint16_t port);

// Reads the host's firewall with a deadline (a hung firewall service must not hold the run)
// and keeps only the rules that match `needs`.
platform::firewall::HostFirewall read_relevant_firewall(const NeedSet& needs,
                                                        std::chrono::milliseconds deadline);

}  // namespace netdiag::fw
