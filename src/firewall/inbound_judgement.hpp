// Whether the Windows Firewall lets a probe's inbound traffic in on one adapter, judged from
// the host's recorded firewall facts alone, and the finding that says so: ND-FW-001 (the
// profile's default blocks it and no rule allows it), ND-FW-002 (a block rule matches),
// ND-FW-003 (the profile blocks all incoming connections). Probes that saw traffic fail to
// arrive on an adapter ask here; the facts come from the run's host snapshot.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firewall/rule_match.hpp"
#include "netdiag/firewall.hpp"
#include "netdiag/model.hpp"

namespace netdiag::fw {

inline constexpr std::string_view kBlockedByDefault = "ND-FW-001";
inline constexpr std::string_view kBlockedByRule = "ND-FW-002";
inline constexpr std::string_view kBlockedAll = "ND-FW-003";

struct InboundQuestion {
    std::string probe;  // the probe the finding belongs to: "multicast", "peer"
    TrafficNeed need;
    std::vector<std::string> programs;  // netdiag itself, --program paths
    std::string adapter_id;             // the interface's name: "{GUID}" on Windows
    std::string adapter_name;           // the friendly name people see: "Ethernet 2"
};

enum class InboundOutcome {
    not_applicable,      // no Windows Firewall here
    undecided,           // a fact the judgement needs could not be read
    not_on_a_network,    // the adapter is on no connected network (loopback, a down link)
    firewall_off,        // the profile's firewall is off
    allowed_by_rule,     // an allow rule matches and no block rule does
    allowed_by_default,  // the profile's default inbound action is allow
    blocked_by_rule,
    blocked_all,
    blocked_by_default,
};
std::string_view to_string(InboundOutcome outcome);

struct InboundVerdict {
    InboundOutcome outcome = InboundOutcome::not_applicable;
    unsigned profile = 0;                          // the profile the adapter's network falls under
    std::string network;                           // the network's name
    std::optional<platform::firewall::Rule> rule;  // the deciding rule, if one decided
    std::string reason;                            // one line: why this outcome
};

InboundVerdict judge_inbound(const platform::firewall::HostFirewall& firewall,
                             const InboundQuestion& question);

// The finding for a blocking verdict; nothing for the others.
std::optional<Finding> inbound_finding(const InboundVerdict& verdict,
                                       const InboundQuestion& question);

}  // namespace netdiag::fw
