// The facts that decide what a segmented UDP send (GSO) does on the way out of this host, read
// without sending anything: the route's own MTU, the interface's transmit checksum offload and
// the IPsec policies traffic leaves through. Each reader says why when it cannot tell; the
// udp-batch probe turns an unread fact into an undecided verdict, never into a pass.
// Implemented per OS in src/platform/<os>/egress_<os>.cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "netdiag/udp_send.hpp"

namespace netdiag::platform::egress {

// What a probe knows of a fact: its value, or why it has none.
template <typename T>
struct Known {
    std::optional<T> value;
    std::string unknown_because;  // set when value is empty

    static Known unknown(std::string why) { return Known{std::nullopt, std::move(why)}; }
};

// The MTU set on a route itself (`ip route … mtu [lock] N`); a route without one uses its
// interface's MTU, which is then `value` empty with `unknown_because` empty.
struct RouteMtu {
    std::optional<unsigned> mtu;
    bool locked = false;
    std::string unknown_because;
};

// The MTU metric of the default route of this family through interface_index.
RouteMtu default_route_mtu(udp::Family family, unsigned interface_index);

// The route the kernel picks for destination: interface, source, gateway and the MTU that
// applies (the route's own, a learned path MTU, or the interface's).
struct RouteLookup {
    std::string interface_name;
    unsigned interface_index = 0;
    std::string source;
    std::string gateway;
    std::optional<unsigned> mtu;  // the MTU a datagram to destination is cut to
    RouteMtu route_mtu;
    std::string unknown_because;  // the route could not be read at all
};
RouteLookup route_lookup(const udp::Endpoint& destination);

// Whether the interface computes UDP checksums on transmit (ethtool's tx-checksumming).
Known<bool> transmit_checksum_offload(const std::string& interface_name);

// An outbound IPsec policy: traffic to `destination/prefix_length` is transformed.
struct IpsecPolicy {
    udp::Family family = udp::Family::ipv4;
    std::string destination;
    unsigned prefix_length = 0;
};
Known<std::vector<IpsecPolicy>> outbound_ipsec_policies();

}  // namespace netdiag::platform::egress
