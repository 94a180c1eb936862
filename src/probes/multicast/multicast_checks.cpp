#include "probes/multicast/multicast_checks.hpp"

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "platform/child_start_gate.hpp"
#include "platform/interface_names.hpp"

namespace netdiag::probes::multicast {
namespace {

namespace mc = platform::multicast;
using Clock = std::chrono::steady_clock;

// A datagram only this run sends, so a row counts its own datagram and nothing else.
std::string loop_token(const std::string& interface_name) {
    static const auto nonce = std::random_device{}();
    return fmt::format("netdiag multicast check {:08x} {}", nonce, interface_name);
}

std::vector<std::uint8_t> bytes_of(const std::string& text) {
    return {text.begin(), text.end()};
}

std::string first_address(const platform::NetInterface& iface, mc::Family family) {
    const char* wanted = family == mc::Family::ipv4 ? "ipv4" : "ipv6";
    for (const auto& a : iface.addresses) {
        if (a.family == wanted) return a.address;
    }
    return {};
}

std::string interface_name_of(const MulticastFacts& facts, unsigned index) {
    if (index == 0) return {};
    for (const auto& row : facts.interfaces) {
        if (!row.is_default && row.index == index) return row.name;
    }
    return fmt::format("ifindex {}", index);
}

bool is_own_scout(const ZenohScouting& zenoh, const mc::Datagram& datagram) {
    return datagram.bytes == zenoh.own_scout &&
           std::find(zenoh.own_ports.begin(), zenoh.own_ports.end(), datagram.source_port) !=
               zenoh.own_ports.end();
}

mc::InterfaceSelector selector_for(const InterfaceCheck& row) {
    if (row.is_default) return {};
    return {.ipv4_address = row.address, .index = row.index};
}

}  // namespace

bool is_port_conflict(const SysError& error) {
    if (!error) return false;
    if (error.portable == std::errc::address_in_use) return true;
    // Windows: a port held with SO_EXCLUSIVEADDRUSE refuses even a reusing bind with 10013.
    return error.native_name == "WSAEACCES";
}

std::vector<BindCheck> run_bind_checks(const MulticastFacts& facts) {
    const std::string wildcard = facts.family == mc::Family::ipv4 ? "0.0.0.0" : "::";
    std::vector<BindCheck> checks;
    checks.push_back({"wildcard, no reuse", wildcard, {}, false, {}});
    checks.push_back({"wildcard, SO_REUSEADDR", wildcard, {.reuse_address = true}, false, {}});
    if (facts.traits.has_reuse_port) {
        checks.push_back({"wildcard, SO_REUSEADDR+SO_REUSEPORT",
                          wildcard,
                          {.reuse_address = true, .reuse_port = true},
                          false,
                          {}});
    }
    // Zenoh binds the IPv4 group address itself on Unix. An IPv6 group is bound too, for the
    // record, but a link-local one needs an interface scope, so the wildcard stands for Zenoh.
    const bool group_is_zenoh =
        facts.traits.zenoh_binds_group_address && facts.family == mc::Family::ipv4;
    if (facts.traits.zenoh_binds_group_address) {
        checks.push_back({"group address, SO_REUSEADDR",
                          facts.group,
                          {.reuse_address = true},
                          group_is_zenoh,
                          {}});
    }
    if (!group_is_zenoh) checks[1].as_zenoh = true;
    if (facts.traits.has_exclusive_address_use) {
        checks.push_back(
            {"wildcard, SO_EXCLUSIVEADDRUSE", wildcard, {.exclusive = true}, false, {}});
    }
    // Each socket must be gone when the next check binds: see child_start_gate.hpp.
    const auto no_child_starts = platform::hold_against_child_starts();
    for (auto& check : checks) {
        mc::MulticastSocket socket;
        check.error = socket.open(facts.family);
        if (!check.error) check.error = socket.bind(check.address, facts.port, check.mode);
    }
    return checks;
}

std::vector<InterfaceCheck> plan_interfaces(const platform::HostSnapshot& host, mc::Family family,
                                            const std::vector<std::string>& selected) {
    std::vector<InterfaceCheck> rows;
    const bool restricted = !selected.empty();
    for (const auto& iface : host.interfaces) {
        InterfaceCheck row;
        // Windows names adapters by GUID; its friendly name ("Ethernet 2") is what users know.
        row.name = platform::display_name(iface);
        row.adapter_id = iface.name;
        row.index = iface.index;
        row.up = iface.flags.up;
        row.running = iface.flags.running;
        row.multicast_flag = iface.flags.multicast;
        row.loopback = iface.flags.loopback;
        row.address = first_address(iface, family);
        row.selected = !restricted ||
                       std::any_of(selected.begin(), selected.end(), [&](const std::string& name) {
                           return platform::is_named(iface, name);
                       });
        // Zenoh's automatic choice; an interface the user names is used as named, the way a
        // configured Zenoh interface is.
        row.zenoh_uses = row.selected && !row.address.empty() &&
                         (restricted || (row.up && row.running && row.multicast_flag));
        if (!row.selected) {
            row.skipped = "not selected";
        } else if (row.address.empty()) {
            row.skipped = family == mc::Family::ipv4 ? "no IPv4 address" : "no IPv6 address";
        }
        rows.push_back(std::move(row));
    }
    InterfaceCheck fallback;
    fallback.name = "(default)";
    fallback.is_default = true;
    // With a restricted selection, the kernel's own choice may leave by an interface the user
    // excluded, so it is not tried.
    if (restricted) fallback.skipped = "not selected";
    rows.push_back(std::move(fallback));
    return rows;
}

void run_interface_checks(MulticastFacts& facts, Clock::time_point wait_until) {
    const bool bind_group =
        facts.traits.zenoh_binds_group_address && facts.family == mc::Family::ipv4;
    const std::string bind_address = bind_group ? facts.group : std::string{};
    std::vector<std::pair<InterfaceCheck*, mc::MulticastSocket>> pending;
    std::vector<Clock::time_point> sent_at;
    for (auto& row : facts.interfaces) {
        if (!row.skipped.empty()) continue;
        row.tried = true;
        mc::MulticastSocket socket;
        auto step = [&](const char* name, SysError error) {
            if (error && row.failed_step.empty()) {
                row.failed_step = name;
                row.setup_error = std::move(error);
            }
            return row.failed_step.empty();
        };
        if (!step("socket", socket.open(facts.family))) continue;
        if (!step("bind", socket.bind(bind_address, facts.test_port, {.reuse_address = true}))) {
            continue;
        }
        row.join_error = socket.join(facts.group, selector_for(row));
        row.joined = !row.join_error;
        if (!row.is_default) {
            const char* option =
                facts.family == mc::Family::ipv4 ? "IP_MULTICAST_IF" : "IPV6_MULTICAST_IF";
            if (!step(option, socket.set_outgoing_interface(selector_for(row)))) continue;
        }
        if (!step("multicast hops", socket.set_hops(1))) continue;
        if (!step("multicast loopback", socket.set_loopback(true))) continue;
        const auto token = bytes_of(loop_token(row.name));
        row.send_error = socket.send_to(facts.group, facts.test_port, token);
        row.sent = !row.send_error;
        if (row.sent) {
            sent_at.push_back(Clock::now());
            pending.emplace_back(&row, std::move(socket));
        }
    }
    // Loopback delivery is immediate; each socket waits only until the shared deadline.
    for (std::size_t i = 0; i < pending.size(); ++i) {
        auto& [row, socket] = pending[i];
        const auto token = bytes_of(loop_token(row->name));
        for (;;) {
            auto got = socket.receive(wait_until);
            if (!got.datagram) break;
            if (got.datagram->bytes == token) {
                row->loop_ms =
                    std::chrono::duration<double, std::milli>(Clock::now() - sent_at[i]).count();
                row->arrival_index = got.datagram->arrival_interface;
                row->arrival_name = interface_name_of(facts, row->arrival_index);
                // A copy that came in on another interface (a datagram that left through lo)
                // says nothing about this one.
                row->looped_elsewhere =
                    !row->is_default && row->arrival_index != 0 && row->arrival_index != row->index;
                row->looped_back = !row->looped_elsewhere;
                break;
            }
            if (!is_own_scout(facts.zenoh, *got.datagram)) ++row->foreign_datagrams;
        }
    }
}

}  // namespace netdiag::probes::multicast
