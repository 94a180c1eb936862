// The route for a multicast group on Windows: GetBestRoute2 for the group with no interface
// chosen, the interface's alias, and whether the route is the multicast prefix or a unicast one.
#include <winsock2.h>
#include <ws2tcpip.h>
// after winsock2
#include <iphlpapi.h>
#include <netioapi.h>
#include <windows.h>

#include "netdiag/multicast.hpp"
#include "netdiag/platform.hpp"
#include "platform/windows/win_internal.hpp"

namespace netdiag::platform::multicast {

GroupRoute route_to_group(const std::string& group) {
    GroupRoute route;
    route.method = "GetBestRoute2";
    const auto family = family_of(group);
    if (!family) {
        route.error = describe_native_error(WSAEINVAL);
        return route;
    }
    SOCKADDR_INET destination{};
    if (*family == Family::ipv4) {
        destination.Ipv4.sin_family = AF_INET;
        inet_pton(AF_INET, group.c_str(), &destination.Ipv4.sin_addr);
    } else {
        destination.Ipv6.sin6_family = AF_INET6;
        inet_pton(AF_INET6, group.c_str(), &destination.Ipv6.sin6_addr);
    }
    MIB_IPFORWARD_ROW2 best{};
    SOCKADDR_INET source{};
    const DWORD result = GetBestRoute2(nullptr, 0, nullptr, &destination, 0, &best, &source);
    if (result != NO_ERROR) {
        route.error = describe_native_error(static_cast<int>(result));
        return route;
    }
    route.found = true;
    const auto& prefix = best.DestinationPrefix.Prefix;
    const bool multicast_prefix =
        prefix.si_family == AF_INET
            ? (ntohl(prefix.Ipv4.sin_addr.s_addr) >> 28) == 0xe &&
                  best.DestinationPrefix.PrefixLength >= 4
            : prefix.Ipv6.sin6_addr.s6_addr[0] == 0xff && best.DestinationPrefix.PrefixLength >= 8;
    route.type = multicast_prefix ? "multicast" : "unicast";
    route.interface_index = best.InterfaceIndex;
    wchar_t alias[IF_MAX_STRING_SIZE + 1] = {};
    if (ConvertInterfaceLuidToAlias(&best.InterfaceLuid, alias, IF_MAX_STRING_SIZE + 1) ==
        NO_ERROR) {
        route.interface_name = windows::to_utf8(alias);
    }
    route.source = windows::address_text(reinterpret_cast<const sockaddr*>(&source));
    const std::string gateway =
        windows::address_text(reinterpret_cast<const sockaddr*>(&best.NextHop));
    if (gateway != "0.0.0.0" && gateway != "::") route.gateway = gateway;
    return route;
}

}  // namespace netdiag::platform::multicast
