// Reads `nft -j list ruleset` output into rules the multicast findings can name: where each
// rule sits (table, chain, hook), a short text of what it matches, its verdict and counter, and
// whether it matches the group or the port. Pure, so it is tested on captured JSON.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "probes/multicast/multicast_facts.hpp"

namespace netdiag::probes::multicast {

// Every rule in the ruleset; empty when the text is not nft JSON. packets_before is set from
// the rule's counter, if it has one.
std::vector<FirewallRule> parse_nft_ruleset(const std::string& json_text, const std::string& group,
                                            std::uint16_t port);

// The rules worth showing: those that match the group or port, and those whose counter rose
// between the two readings with a drop or reject verdict. `after` supplies packets_after by
// (family, table, chain, handle).
std::vector<FirewallRule> relevant_rules(std::vector<FirewallRule> before,
                                         const std::vector<FirewallRule>& after);

// "inet filter output: udp dport 7446 counter drop (handle 3)"
std::string describe_rule(const FirewallRule& rule);

}  // namespace netdiag::probes::multicast
