// Findings about Zenoh's one group socket joined on every interface: ND-MCAST-013 (the
// per-socket membership limit) and ND-MCAST-014 (two interfaces that are one membership).
#include <algorithm>

#include "probes/multicast/findings_common.hpp"
#include "probes/multicast/multicast_findings.hpp"

namespace netdiag::probes::multicast {
namespace {

void membership_limit(const MulticastFacts& facts, std::vector<Finding>& out) {
    const auto& layout = facts.zenoh_socket;
    const auto& joins = layout.joins;
    const auto first_refused = std::find_if(
        joins.begin(), joins.end(), [](const auto& j) { return j.error.native_name == "ENOBUFS"; });
    if (first_refused == joins.end()) return;
    const auto wanted = joins.size();
    const auto joined = static_cast<std::size_t>(
        std::count_if(joins.begin(), joins.end(), [](const auto& j) { return !j.error; }));
    std::string refused;
    for (const auto& j : joins) {
        if (j.error.native_name == "ENOBUFS")
            refused += (refused.empty() ? "" : ", ") + j.interface;
    }
    const std::string limit =
        layout.membership_limit ? std::to_string(*layout.membership_limit) : "unknown";
    auto f = make_finding(kMembershipLimit, Severity::warning,
                          fmt::format("Zenoh's socket cannot join {} on every interface: "
                                      "net.ipv4.igmp_max_memberships is {}",
                                      facts.group, limit));
    f.detail = fmt::format(
        "Zenoh joins the group on all {} interfaces it uses with one socket; the kernel counts "
        "memberships per socket and allows {}. {} on {} failed: {}, so Zenoh warns and never "
        "hears peers there. The per-interface checks pass because each uses its own socket",
        wanted, limit, join_call(facts), refused, described(first_refused->error));
    f.evidence = {{"group", facts.group},
                  {"sysctl", "net.ipv4.igmp_max_memberships"},
                  {"limit", layout.membership_limit ? nlohmann::json(*layout.membership_limit)
                                                    : nlohmann::json(nullptr)},
                  {"interfaces_zenoh_joins", wanted},
                  {"joined", joined},
                  {"refused_on", refused}};
    add_error(f.evidence, first_refused->error);
    // Headroom for other programs that join several groups on one socket (mDNS, SSDP).
    const auto enough = std::max<std::size_t>(20, wanted + 10);
    f.remedy = {
        fmt::format("Raise the limit: sudo sysctl -w net.ipv4.igmp_max_memberships={} (keep it "
                    "across reboots in /etc/sysctl.d/90-multicast.conf)",
                    enough),
        "Or let Zenoh join fewer interfaces: name them in its config "
        "(scouting/multicast/interface)",
        zenoh_without_multicast_remedy()};
    out.push_back(std::move(f));
}

void duplicate_membership(const MulticastFacts& facts, std::vector<Finding>& out) {
    const auto& joins = facts.zenoh_socket.joins;
    for (std::size_t i = 0; i < joins.size(); ++i) {
        if (joins[i].error.portable != std::errc::address_in_use) continue;
        // The earlier join that already holds this membership: the same address names the
        // same interface to the kernel.
        std::string earlier;
        for (std::size_t k = 0; k < i; ++k) {
            if (!joins[k].error && joins[k].address == joins[i].address) {
                earlier = joins[k].interface;
                break;
            }
        }
        auto f = make_finding(
            kDuplicateMembership, Severity::warning,
            fmt::format("Zenoh's join of {} on {} duplicates {}", facts.group, joins[i].interface,
                        earlier.empty() ? "an earlier join" : earlier));
        f.detail = fmt::format(
            "On Zenoh's one socket, {} on {} ({}) failed with {}: the socket already holds "
            "that membership{}. The kernel picks the interface by address, so {} gets no "
            "membership of its own and Zenoh never hears peers there",
            join_call(facts), joins[i].interface, joins[i].address, described(joins[i].error),
            earlier.empty() ? "" : " through " + earlier + ", which has the same address",
            joins[i].interface);
        f.evidence = {{"group", facts.group},
                      {"interface", joins[i].interface},
                      {"address", joins[i].address},
                      {"duplicate_of", earlier}};
        add_error(f.evidence, joins[i].error);
        f.remedy = {
            fmt::format("Give each interface its own address (ip -br addr shows {} on both), "
                        "or remove the copy from the interface that should not carry it",
                        joins[i].address),
            "Or name the interface Zenoh should use in its config (scouting/multicast/interface)"};
        out.push_back(std::move(f));
    }
}

}  // namespace

void judge_zenoh_socket(const MulticastFacts& facts, std::vector<Finding>& out) {
    if (!facts.zenoh_socket.attempted || facts.zenoh_socket.bind_error) return;
    membership_limit(facts, out);
    duplicate_membership(facts, out);
}

}  // namespace netdiag::probes::multicast
