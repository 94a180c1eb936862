// Egress facts on Windows. Routes carry no MTU of their own (the interface's applies), and the
// checksum and IPsec facts are adapter and policy-store settings Winsock does not show to a
// program: those are reported as unknown, with where to look.
#include "platform/windows/win_internal.hpp"

#include "netdiag/egress.hpp"

namespace netdiag::platform::egress {

RouteMtu default_route_mtu(udp::Family, unsigned) {
    return {};  // no per-route MTU on Windows: the interface's MTU is the route's
}

RouteLookup route_lookup(const udp::Endpoint& destination) {
    RouteLookup lookup;
    const auto facts = udp::route_to(destination);
    if (facts.error) {
        lookup.unknown_because =
            "connect toward " + destination.address + ": " + facts.error.describe();
        return lookup;
    }
    if (facts.source) lookup.source = facts.source->address;
    lookup.mtu = facts.mtu;
    return lookup;
}

Known<bool> transmit_checksum_offload(const std::string&) {
    return Known<bool>::unknown(
        "Windows does not show an adapter's checksum offload to programs "
        "(PowerShell: Get-NetAdapterChecksumOffload)");
}

Known<std::vector<IpsecPolicy>> outbound_ipsec_policies() {
    return Known<std::vector<IpsecPolicy>>::unknown(
        "IPsec rules are not read on Windows (PowerShell: Get-NetIPsecRule)");
}

}  // namespace netdiag::platform::egress
