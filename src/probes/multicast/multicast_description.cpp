// Probe `multicast`: the description the registry lists, with its option table.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/ip_literal.hpp"
#include "platform/interface_names.hpp"
#include "probes/multicast/multicast_options.hpp"
#include "probes/multicast/multicast_probe.hpp"
#include "probes/option_builders.hpp"

namespace netdiag::probes::multicast {

ProbeDescription description() {
    using namespace option_builders;
    using O = MulticastOptions;
    return {
        .id = "multicast",
        .title = "Multicast bind, join and Zenoh scouting",
        .summary =
            "Binds the group port with and without reuse (names the holder), joins the "
            "group on each interface and checks loopback, looks up the group's route, "
            "detects WSL1/WSL2 NAT and lists Zenoh nodes answering a Scout (--group, "
            "--port)",
        .platforms = {"linux", "windows"},
        .options =
            {
                text_option("--group", &O::group, "ADDRESS",
                            "multicast: group to bind and join (IPv4 or IPv6, e.g. ff02::1)")
                    .checked(
                        [](const std::string& value) -> std::string {
                            const auto address = parse_ip_literal(value);
                            if (!address) return "'" + value + "' is not an IPv4 or IPv6 address";
                            if (address->is_multicast()) return {};
                            return "'" + value +
                                   "' is not a multicast group (IPv4 224.0.0.0/4, IPv6 ff00::/8)";
                        },
                        "10.0.0.1")
                    .shows_default(),
                number_option("--port", &O::port, 1, 65535, "UINT",
                              "multicast: UDP port of the group")
                    .shows_default(),
                // A name no interface has would otherwise read as "cannot join on any interface",
                // a wrong verdict about the network.
                text_option("--multicast-interface", &O::interfaces, "NAME",
                            "multicast: check only this interface (repeatable; default: every one)")
                    .checked_on_host(
                        [](const ProbeOptions& all,
                           const platform::HostSnapshot& host) -> std::string {
                            for (const auto& name : all.get<O>().interfaces) {
                                if (platform::find_interface(host, name) != nullptr) continue;
                                std::vector<std::string> known;
                                for (const auto& iface : host.interfaces)
                                    known.push_back(platform::display_name(iface));
                                return fmt::format(
                                    "no interface named '{}' on this host; interfaces: {}", name,
                                    fmt::join(known, ", "));
                            }
                            return {};
                        },
                        "no-such-if0"),
                duration_option(
                    "--zenoh-window", &O::zenoh_window,
                    "multicast: how long to collect Zenoh Hello replies (default 800ms, 0 "
                    "to skip)"),
            },
        // The Windows Firewall's findings are judged here too, for a copy lost on an adapter.
        .findings =
            {
                {"ND-MCAST-001", Severity::error,
                 "Cannot join the multicast group on any interface Zenoh would use"},
                {"ND-MCAST-002", Severity::error,
                 "UDP port is held without address reuse by another process"},
                {"ND-MCAST-003", Severity::error, "No route for the multicast group"},
                {"ND-MCAST-004", Severity::warning,
                 "Multicast sent on an interface does not come back"},
                {"ND-MCAST-005", Severity::error,
                 "WSL1: multicast goes through Windows' socket translation"},
                {"ND-MCAST-006", Severity::warning, "The group was joined only on loopback"},
                {"ND-MCAST-007", Severity::error, "Cannot bind the scouting port as Zenoh does"},
                {"ND-MCAST-008", Severity::info, "Zenoh nodes answered a Scout"},
                {"ND-MCAST-009", Severity::info, "No Zenoh node answered a Scout"},
                {"ND-MCAST-010", Severity::warning,
                 "WSL2 with NAT networking: multicast stays inside the VM"},
                {"ND-MCAST-011", Severity::info, "The port is already shared by another process"},
                {"ND-MCAST-012", Severity::info, "Multicast loopback undecided, the port was busy"},
                {"ND-MCAST-013", Severity::warning,
                 "Zenoh's socket cannot join the group on every interface (membership limit)"},
                {"ND-MCAST-014", Severity::warning,
                 "Zenoh's join on an interface duplicates an earlier one"},
                {"ND-MCAST-015", Severity::error,
                 "A local firewall rule refuses multicast sent on an interface"},
                {"ND-MCAST-016", Severity::warning, "Multicast came back only through lo"},
                {"ND-MCAST-017", Severity::warning,
                 "Reverse-path filtering dropped datagrams while peers were expected"},
                {"ND-MCAST-018", Severity::error,
                 "The network between this host and the peer does not carry multicast"},
                {"ND-MCAST-019", Severity::warning,
                 "Multicast between this host and the peer is undecided"},
                {"ND-FW-001", Severity::warning,
                 "Windows Firewall's profile blocks the traffic a probe needs: no rule allows it"},
                {"ND-FW-002", Severity::error,
                 "A Windows Firewall rule blocks the traffic a probe needs"},
                {"ND-FW-003", Severity::warning,
                 "Windows Firewall's profile blocks all incoming connections"},
            },
        .make = [] { return make_probe(); },
    };
}

}  // namespace netdiag::probes::multicast
