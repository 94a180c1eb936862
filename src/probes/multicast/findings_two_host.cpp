// Findings of the two-host check (--peer): ND-MCAST-018 (the network between the hosts carries
// unicast but drops multicast) and ND-MCAST-019 (the check could not compare the two: the peer
// is unreachable, unicast was lost too, or a side could not send; multicast stays undecided).
#include "probes/multicast/findings_common.hpp"
#include "probes/multicast/multicast_findings.hpp"
#include "probes/multicast/multicast_report.hpp"

namespace netdiag::probes::multicast {
namespace {

enum class Verdict {
    not_checked,
    failed,
    sender_refused,
    unicast_lost,
    carried,
    drops_some,
    drops_all
};

Verdict verdict_of(const TwoHostDirection& d) {
    if (!d.attempted) return Verdict::not_checked;
    if (!d.error.empty()) return Verdict::failed;
    if (d.sent_multicast == 0 || d.sent_unicast == 0) return Verdict::sender_refused;
    // Unicast is the control: only when all of it arrived does lost multicast mean the network.
    if (d.received_unicast < d.sent_unicast) return Verdict::unicast_lost;
    if (d.received_multicast >= d.sent_multicast) return Verdict::carried;
    return d.received_multicast == 0 ? Verdict::drops_all : Verdict::drops_some;
}

bool drops(Verdict v) {
    return v == Verdict::drops_all || v == Verdict::drops_some;
}

bool undecided(Verdict v) {
    return v == Verdict::failed || v == Verdict::sender_refused || v == Verdict::unicast_lost;
}

std::string this_host(const TwoHostCheck& c) {
    if (c.local_interface.empty()) return c.local_address;
    return fmt::format("{} on {}", c.local_address, c.local_interface);
}

std::string counts(const TwoHostDirection& d, const std::string& group,
                   const std::string& unicast_to) {
    return fmt::format("{} of {} datagrams to {} arrived, {} of {} unicast to {} on the same port",
                       d.received_multicast, d.sent_multicast, group, d.received_unicast,
                       d.sent_unicast, unicast_to);
}

nlohmann::json base_evidence(const MulticastFacts& facts) {
    const auto& c = facts.two_host;
    return {{"peer", c.peer},
            {"control", c.control},
            {"group", facts.group},
            {"local_address", c.local_address},
            {"local_interface", c.local_interface},
            {"peer_address", c.peer_address},
            {"peer_port", c.peer_port},
            {"local_port", c.local_port},
            {"to_peer", direction_json(c.to_peer)},
            {"from_peer", direction_json(c.from_peer)}};
}

void network_drops(const MulticastFacts& facts, Verdict to, Verdict from,
                   std::vector<Finding>& out) {
    const auto& c = facts.two_host;
    const std::string which = drops(to) && drops(from) ? "in either direction"
                              : drops(to)              ? "from this host to the peer"
                                                       : "from the peer to this host";
    const bool all_lost = to == Verdict::drops_all || from == Verdict::drops_all;
    auto f = make_finding(kNetworkDropsMulticast, all_lost ? Severity::error : Severity::warning,
                          fmt::format("The network between this host and {} does not carry "
                                      "multicast {}; unicast gets through",
                                      c.peer_address, which));
    std::string facts_text;
    if (drops(to) || to == Verdict::carried) {
        facts_text += "To the peer: " + counts(c.to_peer, facts.group, c.peer_address) + ". ";
    }
    if (drops(from) || from == Verdict::carried) {
        facts_text += "From the peer: " + counts(c.from_peer, facts.group, c.local_address) + ". ";
    }
    f.detail = fmt::format(
        "{}The two hosts reach each other (the TCP control connection from {} to {} and unicast "
        "UDP on the same ports work), so something between them does not forward multicast: "
        "Wi-Fi client (AP) isolation, IGMP snooping on a switch or bridge with no querier on "
        "the network, a Linux bridge port with multicast flooding off, or a container or cloud "
        "network that does not carry multicast. Discovery by multicast (Zenoh scouting, mDNS, "
        "SSDP, DDS) fails between these hosts while direct connections work",
        facts_text, this_host(c), c.control);
    f.evidence = base_evidence(facts);
    f.remedy = {
        "A Linux bridge between the hosts (a VM or container host): find ports with multicast "
        "flooding off with `bridge -d link show` (look for `mcast_flood off`) and turn it on: "
        "sudo bridge link set dev PORT mcast_flood on",
        "IGMP snooping without a querier (a bridge or managed switch forgets memberships when "
        "nobody sends IGMP queries): make the bridge the querier, sudo ip link set dev BRIDGE "
        "type bridge mcast_querier 1, or turn snooping off, sudo ip link set dev BRIDGE type "
        "bridge mcast_snooping 0; on a managed switch enable the IGMP querier for the VLAN",
        "Wi-Fi: turn off client isolation (also called AP isolation or a guest network) on the "
        "access point, or connect both hosts by wire",
        "Containers: Docker overlay networks do not carry multicast; use --network host or a "
        "macvlan network for the programs that discover each other",
        fmt::format("Confirm on both hosts while re-running the probe: sudo tcpdump -ni IF host "
                    "{} (the datagrams leave the sender's wire and never reach the peer's)",
                    facts.group),
        zenoh_without_multicast_remedy()};
    out.push_back(std::move(f));
}

std::string undecided_reason(const TwoHostDirection& d, Verdict v, const std::string& sender) {
    switch (v) {
        case Verdict::failed:
            return d.error;
        case Verdict::sender_refused:
            return fmt::format("{} could not send ({})", sender,
                               d.send_error.empty() ? "no datagram left" : d.send_error);
        case Verdict::unicast_lost:
            return fmt::format(
                "unicast was lost too: {} of {} unicast and {} of {} multicast "
                "datagrams arrived",
                d.received_unicast, d.sent_unicast, d.received_multicast, d.sent_multicast);
        default:
            return {};
    }
}

void directions_undecided(const MulticastFacts& facts, Verdict to, Verdict from,
                          std::vector<Finding>& out) {
    const auto& c = facts.two_host;
    std::string reasons;
    if (undecided(to)) {
        reasons += "To the peer: " + undecided_reason(c.to_peer, to, "this host") + ". ";
    }
    if (undecided(from)) {
        reasons += "From the peer: " + undecided_reason(c.from_peer, from, "the peer") + ". ";
    }
    const bool unicast_lost = to == Verdict::unicast_lost || from == Verdict::unicast_lost;
    auto f = make_finding(
        kTwoHostUndecided, Severity::warning,
        unicast_lost ? fmt::format("Unicast UDP to or from {} is lost as well: whether the network "
                                   "carries multicast is undecided",
                                   c.peer_address)
                     : fmt::format("Multicast between this host and {} could not be checked",
                                   c.peer_address));
    f.detail = reasons +
               "Lost multicast only means the network drops multicast when unicast between the "
               "same hosts arrives; here it did not, so this is not judged";
    f.evidence = base_evidence(facts);
    f.remedy = {
        "UDP between the hosts is dropped while the TCP control connection works: look for a "
        "firewall on either host or between them that drops UDP (Linux: sudo nft list "
        "ruleset; Windows: Windows Defender Firewall). The check uses ephemeral UDP ports on "
        "both sides, so allow UDP from the other host, not only port 47100",
        "A send refused by the sender itself (EPERM) is a local output rule on that host",
        "Re-run with -v to see each step; netdiag peer logs what it received"};
    out.push_back(std::move(f));
}

void stopped_early(const MulticastFacts& facts, std::vector<Finding>& out) {
    const auto& c = facts.two_host;
    const auto& target = c.control.empty() ? c.peer : c.control;
    std::string title;
    std::vector<std::string> remedy;
    switch (c.failed_stage) {
        case TwoHostStage::family:
            title = "The two-host check needs IPv4; multicast to the peer was not checked";
            remedy = {
                "Give --peer as an IPv4 address and check an IPv4 group (the default "
                "224.0.0.224)"};
            break;
        case TwoHostStage::resolve:
            title = fmt::format(
                "--peer {} could not be resolved; multicast to the peer was not "
                "checked",
                c.peer);
            remedy = {
                "Give the peer as an address or a name this host resolves: --peer "
                "192.0.2.10:47100"};
            break;
        case TwoHostStage::connect:
            title = fmt::format(
                "netdiag peer at {} cannot be reached: the peer is unreachable, "
                "multicast between the hosts is undecided",
                target);
            remedy = {fmt::format("Start it on the other host: netdiag peer --listen "
                                  "0.0.0.0:{} (TCP and UDP on that port)",
                                  c.control.empty() ? std::string("47100")
                                                    : c.control.substr(c.control.rfind(':') + 1)),
                      "Check that a firewall on either host, or between them, lets TCP to that "
                      "port through, and that the address is right (ping it)"};
            break;
        case TwoHostStage::hello:
            title = fmt::format("netdiag peer at {} did not accept the two-host check", target);
            remedy = {
                "Update netdiag on the peer: the two-host multicast check needs peer "
                "protocol version 2 (an older peer speaks only version 1, for udp-batch)"};
            break;
        case TwoHostStage::peer_listen:
            title = fmt::format("netdiag peer at {} could not join {}", target, facts.group);
            remedy = {
                "Run `netdiag probe multicast` on the peer host: its findings say why the "
                "join fails there"};
            break;
        case TwoHostStage::none:
            return;
    }
    auto f = make_finding(kTwoHostUndecided, Severity::warning, std::move(title));
    f.detail = c.error;
    f.evidence = {{"peer", c.peer}, {"control", c.control}, {"group", facts.group}};
    f.remedy = std::move(remedy);
    out.push_back(std::move(f));
}

}  // namespace

void judge_two_hosts(const MulticastFacts& facts, std::vector<Finding>& out) {
    const auto& c = facts.two_host;
    if (!c.requested) return;
    if (c.failed_stage != TwoHostStage::none) {
        stopped_early(facts, out);
        return;
    }
    const auto to = verdict_of(c.to_peer);
    const auto from = verdict_of(c.from_peer);
    if (drops(to) || drops(from)) network_drops(facts, to, from, out);
    if (undecided(to) || undecided(from)) directions_undecided(facts, to, from, out);
}

}  // namespace netdiag::probes::multicast
