// Findings about binding the scouting port: ND-MCAST-002 (held without reuse, owner named),
// ND-MCAST-007 (Zenoh's own bind refused), ND-MCAST-011 (port shared with a reusing owner).
#include <algorithm>

#include "probes/multicast/findings_common.hpp"
#include "probes/multicast/multicast_checks.hpp"
#include "probes/multicast/multicast_findings.hpp"

namespace netdiag::probes::multicast {
namespace {

std::string owner_text(const platform::multicast::PortOwner& o) {
    if (o.pid < 0) return "an unnamed process on " + endpoint_text(o.local_address, o.port);
    if (o.process.empty()) {
        return fmt::format("pid {} on {}", o.pid, endpoint_text(o.local_address, o.port));
    }
    return fmt::format("{} (pid {}) on {}", o.process, o.pid,
                       endpoint_text(o.local_address, o.port));
}

std::string owners_text(const MulticastFacts& facts) {
    std::string text;
    for (const auto& o : facts.owners.owners) text += (text.empty() ? "" : ", ") + owner_text(o);
    if (text.empty()) text = "a process the OS does not name";
    if (!facts.owners.note.empty()) text += " (" + facts.owners.note + ")";
    return text;
}

void add_owner_evidence(const MulticastFacts& facts, nlohmann::json& evidence) {
    if (facts.owners.owners.empty()) return;
    const auto& first = facts.owners.owners.front();
    evidence["owner_pid"] = first.pid;
    evidence["owner_process"] = first.process;
    evidence["owner_address"] = endpoint_text(first.local_address, first.port);
    evidence["owners"] = facts.owners.owners.size();
}

const BindCheck* zenoh_bind(const MulticastFacts& facts) {
    const auto it = std::find_if(facts.binds.begin(), facts.binds.end(),
                                 [](const BindCheck& b) { return b.as_zenoh; });
    return it == facts.binds.end() ? nullptr : &*it;
}

const BindCheck* plain_bind(const MulticastFacts& facts) {
    return facts.binds.empty() ? nullptr : &facts.binds.front();
}

}  // namespace

void judge_binds(const MulticastFacts& facts, std::vector<Finding>& out) {
    const BindCheck* zenoh = zenoh_bind(facts);
    const BindCheck* plain = plain_bind(facts);
    if (zenoh == nullptr || plain == nullptr) return;
    const auto bind_text =
        fmt::format("bind({}) with {}", endpoint_text(zenoh->address, facts.port),
                    platform::multicast::describe(zenoh->mode));

    if (is_port_conflict(zenoh->error)) {
        const auto first = facts.owners.owners.empty() ? std::string("another process")
                                                       : owner_text(facts.owners.owners.front());
        auto f = make_finding(
            kPortConflict, Severity::error,
            fmt::format("UDP port {} is held without address reuse by {}", facts.port, first));
        f.detail = fmt::format(
            "{}: {}. The port is held by {}, which did not allow sharing it, so Zenoh's own "
            "bind fails the same way",
            bind_text, described(zenoh->error), owners_text(facts));
        f.evidence = {{"port", facts.port}, {"owner_lookup", facts.owners.method}};
        add_error(f.evidence, zenoh->error);
        add_owner_evidence(facts, f.evidence);
        f.remedy = {
            fmt::format(
                "See who holds it: sudo ss -uapn 'sport = :{}' (Windows: Get-NetUDPEndpoint "
                "-LocalPort {} | Select OwningProcess)",
                facts.port, facts.port),
            "Stop that program, or have it set SO_REUSEADDR before bind (as Zenoh does) so both "
            "can receive the group",
            "Or give this program another scouting port (Zenoh: scouting/multicast/address)",
        };
        out.push_back(std::move(f));
        return;
    }
    if (zenoh->error) {
        auto f = make_finding(
            kGroupBindRefused, Severity::error,
            fmt::format("Cannot bind {} as Zenoh does", endpoint_text(zenoh->address, facts.port)));
        const bool wildcard_works =
            std::any_of(facts.binds.begin(), facts.binds.end(), [&](const BindCheck& b) {
                return !b.as_zenoh && !b.error && b.address != zenoh->address;
            });
        f.detail = fmt::format("{}: {}{}", bind_text, described(zenoh->error),
                               wildcard_works ? "; binding the wildcard address works, only the "
                                                "bind to the group address is refused"
                                              : "");
        if (facts.wsl == platform::WslKind::wsl1) {
            f.detail += ". WSL1 applies Windows' rule that refuses a bind to a multicast address";
        }
        f.evidence = {{"address", zenoh->address}, {"port", facts.port}};
        add_error(f.evidence, zenoh->error);
        f.remedy = {
            "On WSL1: move the distribution to WSL2: wsl --set-version DISTRO 2 (PowerShell)",
            "Check the interface has the MULTICAST flag and is up: ip -br link",
            zenoh_without_multicast_remedy(),
        };
        out.push_back(std::move(f));
        return;
    }
    if (is_port_conflict(plain->error)) {
        auto f = make_finding(
            kPortShared, Severity::info,
            fmt::format("UDP port {} is already shared by {}", facts.port,
                        facts.owners.owners.empty() ? std::string("another process")
                                                    : owner_text(facts.owners.owners.front())));
        f.detail = fmt::format(
            "A bind without reuse fails ({}), a bind with SO_REUSEADDR works: the holder allows "
            "sharing, as a running Zenoh node does. Holders: {}",
            described(plain->error), owners_text(facts));
        f.evidence = {{"port", facts.port}};
        add_owner_evidence(facts, f.evidence);
        f.remedy = {
            "Nothing to fix if that program is meant to run; programs that bind without "
            "SO_REUSEADDR will fail on this port while it runs"};
        out.push_back(std::move(f));
    }
}

}  // namespace netdiag::probes::multicast
