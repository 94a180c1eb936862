// Findings about how datagrams come in: ND-MCAST-016 (the own copy came back only through lo,
// which proves nothing about the network) and ND-MCAST-017 (reverse-path filtering dropped
// datagrams while peers were expected to answer).
#include <algorithm>

#include "probes/multicast/findings_common.hpp"
#include "probes/multicast/multicast_findings.hpp"

namespace netdiag::probes::multicast {
namespace {

const InterfaceCheck* row_by_index(const MulticastFacts& facts, unsigned index) {
    for (const auto& row : facts.interfaces) {
        if (!row.is_default && row.index == index && index != 0) return &row;
    }
    return nullptr;
}

Finding looped_via(const MulticastFacts& facts, const InterfaceCheck& row, std::string title,
                   std::string why) {
    auto f = make_finding(kLoopedOnlyViaLo, Severity::warning, std::move(title));
    f.detail = fmt::format(
        "The datagram sent to {} on {} came back, but it arrived on {}: {}. A copy delivered "
        "through lo is delivered even with IP_MULTICAST_LOOP off, so this round trip says "
        "nothing about the network, and no peer on another host receives it",
        endpoint_text(facts.group, facts.test_port), row.name, row.arrival_name, why);
    f.evidence = {{"interface", row.name},
                  {"arrived_on", row.arrival_name},
                  {"arrival_ifindex", row.arrival_index},
                  {"group", facts.group}};
    f.remedy = {
        fmt::format("See where the group is routed: ip route get {} (and ip route show table "
                    "local type multicast)",
                    facts.group),
        "Route multicast through the interface peers are on: sudo ip route replace 224.0.0.0/4 "
        "dev IF; programs that name their interface (Zenoh does) are not affected by the route",
        fmt::format("Watch the interface while re-running the probe: sudo tcpdump -ni IF host {}",
                    facts.group)};
    return f;
}

void judge_arrival(const MulticastFacts& facts, std::vector<Finding>& out) {
    const bool network_interfaces =
        std::any_of(facts.interfaces.begin(), facts.interfaces.end(),
                    [](const auto& r) { return !r.is_default && r.zenoh_uses && !r.loopback; });
    for (const auto& row : facts.interfaces) {
        if (row.looped_elsewhere) {
            out.push_back(
                looped_via(facts, row,
                           fmt::format("Multicast sent on {} came back through {} only", row.name,
                                       row.arrival_name),
                           "the kernel sent it out of another interface than the one chosen with "
                           "IP_MULTICAST_IF (an address the interfaces share picks the first)"));
            continue;
        }
        if (!row.is_default || !row.looped_back || !network_interfaces) continue;
        const auto* arrival = row_by_index(facts, row.arrival_index);
        if (arrival == nullptr || !arrival->loopback) continue;
        out.push_back(looped_via(
            facts, row,
            fmt::format("Multicast sent without a chosen interface leaves only through {}",
                        row.arrival_name),
            fmt::format("the route for {} points at {}, so a program that does not name an "
                        "interface reaches only this host",
                        facts.group, row.arrival_name)));
    }
}

void judge_reverse_path(const MulticastFacts& facts, std::vector<Finding>& out) {
    const auto& rp = facts.reverse_path;
    if (!rp.peers_expected || !rp.drops_before || !rp.drops_after) return;
    if (*rp.drops_after <= *rp.drops_before) return;
    std::vector<const InterfaceCheck*> filtering;
    for (const auto& row : facts.interfaces) {
        if (row.is_default || row.loopback || !row.zenoh_uses || !row.joined) continue;
        if (row.rp_filter && *row.rp_filter > 0) filtering.push_back(&row);
    }
    if (filtering.empty()) return;
    const auto dropped = *rp.drops_after - *rp.drops_before;
    std::string names;
    std::string modes;
    for (const auto* row : filtering) {
        names += (names.empty() ? "" : ", ") + row->name;
        modes += fmt::format("{}{} rp_filter={} ({})", modes.empty() ? "" : ", ", row->name,
                             *row->rp_filter, *row->rp_filter == 1 ? "strict" : "loose");
    }
    const std::string where =
        filtering.size() == 1 ? "on " + names : "on one of " + names + " (the counter is per host)";
    auto f = make_finding(kReversePathDrops, Severity::warning,
                          fmt::format("Reverse-path filtering dropped {} datagram(s) {} while "
                                      "peers were expected to answer",
                                      dropped, where));
    f.detail = fmt::format(
        "IPReversePathFilter in /proc/net/netstat rose from {} to {} during the probe, while "
        "it waited for Zenoh peers. The kernel drops a datagram whose source address it would "
        "not route back out of the interface it came in on ({}): a peer on another subnet, or "
        "one reached by asymmetric routing, is silently not heard",
        *rp.drops_before, *rp.drops_after, modes);
    f.evidence = {{"dropped", dropped},
                  {"counter", "IPReversePathFilter"},
                  {"interfaces", names},
                  {"rp_filter", modes}};
    const auto& first = filtering.front()->name;
    f.remedy = {
        "Give the peers' subnet a route back through the interface they are on: sudo ip route "
        "add PEER-SUBNET dev " +
            first,
        fmt::format("Or relax the filter; the kernel applies the larger of `all` and the "
                    "interface's value, so lower both: sudo sysctl -w "
                    "net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.{}.rp_filter=2 (2 = loose: the "
                    "source must be routable through any interface; 0 = off)",
                    first),
        fmt::format("Confirm with: sudo tcpdump -ni {} udp (the datagrams arrive on the wire "
                    "but no socket gets them)",
                    first)};
    out.push_back(std::move(f));
}

}  // namespace

void judge_receive_path(const MulticastFacts& facts, std::vector<Finding>& out) {
    judge_arrival(facts, out);
    judge_reverse_path(facts, out);
}

}  // namespace netdiag::probes::multicast
