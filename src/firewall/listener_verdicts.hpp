// `netdiag peer` listens for another host's traffic: before it waits, it says for each adapter
// the traffic could arrive on whether the Windows Firewall lets it in. Pure code over the host
// snapshot (interfaces and firewall facts), so its lines are tested on every platform.
#pragma once

#include <string>
#include <vector>

#include "firewall/rule_match.hpp"
#include "netdiag/platform.hpp"

namespace netdiag::fw {

// One line per adapter and need: a finding ("warning ND-FW-001: … Do: …") or the verdict
// ("allowed-by-rule: …", "undecided: …"). `listen_address` is the address listened on ("" or a
// wildcard: every adapter with an address). Empty where the firewall does not apply.
std::vector<std::string> listener_firewall_lines(const platform::HostSnapshot& host,
                                                 const std::string& listen_address,
                                                 const std::vector<TrafficNeed>& needs,
                                                 const std::vector<std::string>& programs);

}  // namespace netdiag::fw
