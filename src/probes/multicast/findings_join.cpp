// Findings about membership, the group's route and loopback delivery: ND-MCAST-001, 003, 004,
// 006, 012.
#include <algorithm>

#include "probes/multicast/findings_common.hpp"
#include "probes/multicast/multicast_checks.hpp"
#include "probes/multicast/multicast_findings.hpp"

namespace netdiag::probes::multicast {
namespace {

// Why a row did not give Zenoh a membership, in one phrase.
std::string row_reason(const MulticastFacts& facts, const InterfaceCheck& row) {
    if (!row.skipped.empty()) return row.skipped;
    if (!row.failed_step.empty() && !row.joined && row.join_error.native == 0) {
        return fmt::format("{} failed: {}", row.failed_step, described(row.setup_error));
    }
    std::string join =
        row.joined ? fmt::format("{} worked", join_call(facts))
                   : fmt::format("{} failed: {}", join_call(facts), described(row.join_error));
    if (row.is_default || row.zenoh_uses) return join;
    std::vector<std::string> missing;
    if (!row.up) missing.push_back("down");
    if (row.up && !row.running) missing.push_back("not running");
    if (!row.multicast_flag) missing.push_back("no MULTICAST flag");
    std::string why;
    for (const auto& m : missing) why += (why.empty() ? "" : ", ") + m;
    return fmt::format("{}, so Zenoh skips it ({})", why, join);
}

// The kernel error that best explains a failed join: one on an interface Zenoh would use,
// else the default join's, else any.
const SysError* best_error(const std::vector<InterfaceCheck>& rows, const InterfaceCheck** where) {
    auto pick = [&](auto wanted) -> const SysError* {
        for (const auto& row : rows) {
            if (!wanted(row)) continue;
            *where = &row;
            if (row.join_error) return &row.join_error;
            if (row.setup_error) return &row.setup_error;
        }
        return nullptr;
    };
    if (auto* e = pick([](const InterfaceCheck& r) { return r.zenoh_uses && r.tried; })) return e;
    if (auto* e = pick([](const InterfaceCheck& r) { return r.is_default && r.tried; })) return e;
    return pick([](const InterfaceCheck& r) { return r.tried; });
}

std::vector<std::string> no_join_remedies(const MulticastFacts& facts, const SysError* error) {
    std::vector<std::string> steps;
    // The interface to turn multicast on for: a real network one first; loopback when it is
    // all there is (then local peers can still find each other).
    auto lacking_flag = [&](bool loopback) {
        return std::find_if(facts.interfaces.begin(), facts.interfaces.end(),
                            [&](const InterfaceCheck& r) {
                                return !r.is_default && r.selected && r.loopback == loopback &&
                                       !r.multicast_flag && !r.address.empty();
                            });
    };
    auto lacking = lacking_flag(false);
    if (lacking == facts.interfaces.end()) lacking = lacking_flag(true);
    if (lacking != facts.interfaces.end()) {
        steps.push_back(
            fmt::format("Turn multicast on for the interface peers are on: sudo ip "
                        "link set dev {} multicast on",
                        lacking->name));
    }
    if (error != nullptr && error->native_name == "ENODEV") {
        steps.push_back(
            "ENODEV: the kernel has no interface for the group. Bring the interface up (sudo ip "
            "link set dev IF up) and give the group a route: sudo ip route add 224.0.0.0/4 dev IF");
    }
    if (error != nullptr &&
        (error->native_name == "EADDRNOTAVAIL" || error->native_name == "WSAEADDRNOTAVAIL")) {
        steps.push_back(
            "EADDRNOTAVAIL: the interface address is not usable for multicast here (an address "
            "of a down interface, or WSL1's translation layer). Check `ip -br addr`, and on WSL "
            "move to WSL2 (wsl --set-version DISTRO 2)");
    }
    if (facts.wsl != platform::WslKind::none) {
        steps.push_back(
            "On WSL, let the program through the Windows firewall on private and "
            "public networks, and restart WSL after network changes (wsl --shutdown)");
    }
    steps.push_back(zenoh_without_multicast_remedy());
    return steps;
}

void judge_no_join(const MulticastFacts& facts, std::vector<Finding>& out) {
    const auto& rows = facts.interfaces;
    const bool any_zenoh_join = std::any_of(rows.begin(), rows.end(),
                                            [](const auto& r) { return r.zenoh_uses && r.joined; });
    if (any_zenoh_join) {
        const bool only_loopback = std::all_of(rows.begin(), rows.end(), [](const auto& r) {
            return !(r.zenoh_uses && r.joined) || r.loopback;
        });
        // With --multicast-interface the user chose what to check: loopback alone is then their
        // choice, not a finding about the host.
        const bool user_limited =
            std::any_of(rows.begin(), rows.end(), [](const auto& r) { return !r.selected; });
        if (!only_loopback || user_limited) return;
        auto f = make_finding(kLoopbackOnly, Severity::warning,
                              fmt::format("{} joined only on loopback", facts.group));
        std::string names;
        for (const auto& r : rows) {
            if (r.zenoh_uses && r.joined) names += (names.empty() ? "" : ", ") + r.name;
        }
        f.detail = fmt::format(
            "The group could be joined on {} only: programs on this host can find each other, "
            "but no peer on another host will see this host's Scouts or answer them",
            names);
        f.evidence = {{"interfaces", names}, {"group", facts.group}};
        f.remedy = {
            "Connect the network interface the peers are on and check it is up with the "
            "MULTICAST flag: ip -br link",
            zenoh_without_multicast_remedy()};
        out.push_back(std::move(f));
        return;
    }
    auto f =
        make_finding(kNoJoin, Severity::error,
                     fmt::format("Cannot join {} on any interface Zenoh would use", facts.group));
    std::string detail;
    for (const auto& row : rows) {
        if (row.skipped == "not selected") continue;
        detail +=
            fmt::format("{}{}: {}", detail.empty() ? "" : "; ", row.name, row_reason(facts, row));
    }
    f.detail = detail;
    const InterfaceCheck* where = nullptr;
    const SysError* error = best_error(rows, &where);
    f.evidence["group"] = facts.group;
    f.evidence["capable_interfaces"] =
        std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.zenoh_uses; });
    if (error != nullptr && where != nullptr) {
        f.evidence["interface"] = where->name;
        add_error(f.evidence, *error);
    }
    f.remedy = no_join_remedies(facts, error);
    out.push_back(std::move(f));
}

// The lookup itself is missing (Wine's GetBestRoute2 answers ERROR_NOT_SUPPORTED): that says
// nothing about the routes, so it is a measurement, not a finding.
bool route_lookup_unsupported(const SysError& e) {
    return e.portable == std::errc::not_supported ||
           e.portable == std::errc::operation_not_supported ||
           e.portable == std::errc::function_not_supported ||
           e.native_name == "ERROR_NOT_SUPPORTED";
}

void judge_route(const MulticastFacts& facts, std::vector<Finding>& out) {
    const auto& route = facts.route.route;
    const bool usable = route.found && (route.type == "multicast" || route.type == "unicast");
    if (usable) return;
    if (!route.found && route.error.native == 0) return;  // not asked on this platform
    if (!route.found && route_lookup_unsupported(route.error)) return;  // e.g. Wine
    const bool some_interface_works = std::any_of(
        facts.interfaces.begin(), facts.interfaces.end(),
        [](const auto& r) { return r.zenoh_uses && r.joined && r.looped_back && !r.loopback; });
    auto f = make_finding(kNoRoute, some_interface_works ? Severity::warning : Severity::error,
                          fmt::format("No route for multicast group {}", facts.group));
    if (route.found) {
        f.detail = fmt::format(
            "{} answers with a {} route{}: the kernel will not send the "
            "group's traffic",
            route.method, route.type,
            route.interface_name.empty() ? "" : " via " + route.interface_name);
        f.evidence = {{"route_type", route.type}, {"interface", route.interface_name}};
    } else {
        f.detail = fmt::format(
            "{} for {}: {}. A program that joins or sends without naming an interface gets "
            "ENODEV or ENETUNREACH",
            route.method, facts.group, described(route.error));
        add_error(f.evidence, route.error);
    }
    f.evidence["group"] = facts.group;
    f.remedy = {
        "Give multicast a route through the interface peers are on: sudo ip route add "
        "224.0.0.0/4 dev IF (IPv6: sudo ip -6 route add ff00::/8 dev IF table local)",
        "Or add a default route: multicast then follows it (check with ip route get " +
            facts.group + ")",
        "Windows: check with `route print 224.*` and Find-NetRoute -RemoteIPAddress " +
            facts.group +
            "; add one with New-NetRoute -DestinationPrefix 224.0.0.0/4 "
            "-InterfaceAlias ADAPTER",
    };
    out.push_back(std::move(f));
}

// The own copy did not come, but other datagrams did: under a flood the socket's queue fills
// and the kernel drops what arrives next, the copy included. Saying "dropped by a firewall"
// would be a guess; the finding says the check could not decide, and why.
Finding loopback_undecided(const MulticastFacts& facts, const InterfaceCheck& row) {
    auto f = make_finding(kLoopbackUndecided, Severity::info,
                          fmt::format("Multicast loopback on {} undecided: the port was busy "
                                      "with {} datagram(s) from elsewhere",
                                      row.name, row.foreign_datagrams));
    f.detail = fmt::format(
        "Joined {} on {} and sent one datagram with IP_MULTICAST_LOOP on. It did not come back "
        "within the wait, but {} other datagram(s) to {}:{} did: a busy port can fill the "
        "socket's queue so that the kernel drops the copy. Whether the copy would have come "
        "back on a quiet port is not known",
        facts.group, row.name, row.foreign_datagrams, facts.group, facts.test_port);
    f.evidence = {{"interface", row.name},
                  {"group", facts.group},
                  {"port", facts.test_port},
                  {"foreign_datagrams", row.foreign_datagrams}};
    f.remedy = {
        fmt::format("See who sends to the group: sudo tcpdump -ni {} -c 20 udp port {}",
                    row.is_default ? "any" : row.name, facts.test_port),
        "Re-run the probe when the traffic has stopped, or on another port with --port to see "
        "whether loopback itself works",
    };
    return f;
}

void judge_loopback(const MulticastFacts& facts, std::vector<Finding>& out) {
    for (const auto& row : facts.interfaces) {
        // Interfaces Zenoh skips are not judged here: ND-MCAST-001/006 already say why.
        if (!row.tried || !row.joined || row.looped_back) continue;
        if (!row.zenoh_uses && !row.is_default) continue;
        // A refused send (ND-MCAST-015) and a copy that came back only through lo
        // (ND-MCAST-016) have their own findings.
        if (!row.sent && is_send_refused(row.send_error)) continue;
        if (row.looped_elsewhere) continue;
        if (row.sent && row.foreign_datagrams > 0) {
            out.push_back(loopback_undecided(facts, row));
            continue;
        }
        auto f = make_finding(kLoopbackLost, Severity::warning,
                              fmt::format("Multicast sent on {} does not come back", row.name));
        f.evidence = {{"interface", row.name}, {"group", facts.group}, {"port", facts.test_port}};
        if (!row.failed_step.empty()) {
            f.detail = fmt::format("Joined {} on {}, but {} failed: {}", facts.group, row.name,
                                   row.failed_step, described(row.setup_error));
            add_error(f.evidence, row.setup_error);
        } else if (!row.sent) {
            f.detail = fmt::format("Joined {} on {}, but sending to it failed: {}", facts.group,
                                   row.name, described(row.send_error));
            add_error(f.evidence, row.send_error);
        } else {
            f.detail = fmt::format(
                "Joined {} on {} and sent one datagram with IP_MULTICAST_LOOP on: the send was "
                "accepted, but the copy did not come back within the wait. Something on the "
                "receiving side drops it: an input firewall rule, or the interface driver{}{}",
                facts.group, row.name, firewall_detail(facts),
                windows_firewall_detail(facts, row, f.evidence));
            add_firewall_evidence(facts, f.evidence);
        }
        f.remedy = {
            "Look for input rules dropping multicast, the group or the port: sudo nft list "
            "ruleset; sudo iptables -S INPUT; on Windows: Get-NetFirewallRule or allow the "
            "program on private and public networks",
            fmt::format("Watch the interface while re-running the probe: sudo tcpdump -ni {} "
                        "host {}",
                        row.is_default ? "any" : row.name, facts.group),
        };
        out.push_back(std::move(f));
    }
}

}  // namespace

void judge_joins(const MulticastFacts& facts, std::vector<Finding>& out) {
    judge_no_join(facts, out);
    judge_route(facts, out);
    judge_loopback(facts, out);
}

}  // namespace netdiag::probes::multicast
