// What traffic a probe needs the Windows Firewall to let in, and whether a rule covers it. Pure
// code over the rule text INetFwRule gives (ports "5000-5010,7446", addresses
// "224.0.0.224/255.255.255.255", program paths), so it is tested on every platform.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netdiag/firewall.hpp"

namespace netdiag::fw {

// Inbound traffic one probe needs: protocol, a local port range, and where the need is for a
// group (multicast) the local address it arrives on.
struct TrafficNeed {
    std::string what;  // "multicast 224.0.0.224:7446", for reports
    int protocol = platform::firewall::kUdp;
    std::uint16_t port_first = 0;
    std::uint16_t port_last = 0;
    std::string local_address;  // "224.0.0.224", or "" for any address of the adapter
};

// Everything the probes of a run need: the traffic and the programs (netdiag itself and the
// ones named with --program), whose own rules are kept whatever their ports.
struct NeedSet {
    std::vector<TrafficNeed> traffic;
    std::vector<std::string> programs;
};

// True when a rule's port list ("*", "7446", "5000-5010,7446") reaches [first, last]. Keywords
// ("RPC", "Teredo", …) name ports of services netdiag never uses: they do not match.
bool ports_overlap(const std::string& local_ports, std::uint16_t first, std::uint16_t last);
// True when a rule's local address list covers `address` ("*", an address, a/bits, a/mask,
// a-b). Keywords such as "LocalSubnet" match unicast needs (the adapter's own address is in
// its subnet) but not a multicast group. An empty `address` matches every list.
bool addresses_cover(const std::string& local_addresses, const std::string& address);
// True when the rule applies to one of `programs` (or to every program). Paths compare
// without case and with either slash.
bool program_applies(const std::string& rule_program, const std::vector<std::string>& programs);

// True when the rule is inbound and covers the need for one of the programs.
bool rule_matches(const platform::firewall::Rule& rule, const TrafficNeed& need,
                  const std::vector<std::string>& programs);
// The rules worth reporting: those matching any need, and those naming one of the programs.
std::vector<platform::firewall::Rule> relevant_rules(
    const std::vector<platform::firewall::Rule>& rules, const NeedSet& needs);

}  // namespace netdiag::fw
