// The two-host check (--peer HOST:PORT with `netdiag peer` on the other host): this host sends
// to the group and, as the control, to the peer's unicast address, and asks the peer what
// arrived; then the peer does the same toward this host. Protocol: peer_protocol.hpp, version 2.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "netdiag/platform.hpp"
#include "probes/multicast/multicast_facts.hpp"

namespace netdiag::probes::multicast {

// Datagrams of each kind sent per direction.
inline constexpr unsigned kTwoHostCount = 5;

// Runs the check for facts.group; every wait ends by deadline (or sooner once interrupted says
// so). The result says where it stopped when it could not compare the two.
TwoHostCheck run_two_host_check(const MulticastFacts& facts, const std::string& peer,
                                const platform::HostSnapshot& host,
                                std::chrono::steady_clock::time_point deadline,
                                const std::function<bool()>& interrupted);

}  // namespace netdiag::probes::multicast
