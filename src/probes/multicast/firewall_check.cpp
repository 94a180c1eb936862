// Firewall evidence for a refused or lost datagram: the ruleset before and after one more send
// on the rows that failed, so a rule is named with whether it counted this probe's packets.
// Nothing here runs on a healthy host.
#include <algorithm>
#include <system_error>

#include "probes/multicast/multicast_checks.hpp"
#include "probes/multicast/nft_ruleset.hpp"

namespace netdiag::probes::multicast {
namespace {

using Clock = std::chrono::steady_clock;
// The copy is delivered in microseconds; this bounds the wait on a dropped one.
constexpr std::chrono::milliseconds kResendWait{50};

}  // namespace

bool is_send_refused(const SysError& error) {
    // EPERM from netfilter on Linux; Winsock names the same refusal WSAEACCES.
    return error.portable == std::errc::operation_not_permitted ||
           error.portable == std::errc::permission_denied;
}

std::vector<const InterfaceCheck*> rows_for_firewall(const MulticastFacts& facts) {
    std::vector<const InterfaceCheck*> rows;
    for (const auto& row : facts.interfaces) {
        if (!row.tried || !row.joined || (!row.zenoh_uses && !row.is_default)) continue;
        const bool refused = !row.sent && is_send_refused(row.send_error);
        const bool lost =
            row.sent && !row.looped_back && !row.looped_elsewhere && row.foreign_datagrams == 0;
        if (refused || lost) rows.push_back(&row);
    }
    return rows;
}

FirewallEvidence look_at_firewall(const MulticastFacts& facts, Clock::time_point deadline) {
    FirewallEvidence evidence;
    const auto rows = rows_for_firewall(facts);
    if (rows.empty()) return evidence;
    evidence.looked = true;
    const auto before = platform::multicast::read_firewall_ruleset(deadline);
    evidence.tool = before.tool;
    evidence.note = before.note;
    if (!before.read) return evidence;
    evidence.ruleset_read = true;

    // The same check again on a copy of the failing rows only: its own results are not kept,
    // only what the firewall counted meanwhile.
    MulticastFacts again = facts;
    again.interfaces.clear();
    for (const auto* row : rows) {
        InterfaceCheck fresh;
        fresh.name = row->name;
        fresh.index = row->index;
        fresh.is_default = row->is_default;
        fresh.address = row->address;
        fresh.zenoh_uses = row->zenoh_uses;
        fresh.loopback = row->loopback;
        again.interfaces.push_back(std::move(fresh));
        evidence.resent_on.push_back(row->name);
    }
    run_interface_checks(again, std::min(Clock::now() + kResendWait, deadline));

    const auto after = platform::multicast::read_firewall_ruleset(deadline);
    auto rules_before = parse_nft_ruleset(before.text, facts.group, facts.test_port);
    const auto rules_after = after.read
                                 ? parse_nft_ruleset(after.text, facts.group, facts.test_port)
                                 : std::vector<FirewallRule>{};
    evidence.rules = relevant_rules(std::move(rules_before), rules_after);
    return evidence;
}

}  // namespace netdiag::probes::multicast
