// Default routes on Windows from the IP Helper forwarding table (GetIpForwardTable2), with
// the metric Windows actually ranks by: route metric plus interface metric.
// First: <winsock2.h> must come before <iphlpapi.h>.
#include "platform/windows/win_internal.hpp"

#include <iphlpapi.h>
#include <netioapi.h>

namespace netdiag::platform::windows {
namespace {

std::string sockaddr_inet_text(const SOCKADDR_INET& address) {
    return address_text(reinterpret_cast<const sockaddr*>(&address));
}

bool is_unspecified(const SOCKADDR_INET& address) {
    if (address.si_family == AF_INET) return address.Ipv4.sin_addr.s_addr == 0;
    if (address.si_family == AF_INET6) {
        for (auto byte : address.Ipv6.sin6_addr.s6_addr) {
            if (byte != 0) return false;
        }
    }
    return true;
}

// The interface metrics come from GetAdaptersAddresses (Ipv4Metric/Ipv6Metric), read once with
// the adapters, rather than from GetIpInterfaceEntry per interface: Wine 8 does not implement
// GetIpInterfaceEntry and aborts a program that calls it.
unsigned interface_metric(const std::vector<InterfaceMetric>& metrics, int family, unsigned index) {
    for (const auto& metric : metrics) {
        if (metric.index == index) return family == AF_INET6 ? metric.ipv6 : metric.ipv4;
    }
    return 0;
}

std::string interface_name(const std::vector<NetInterface>& interfaces, unsigned index) {
    for (const auto& iface : interfaces) {
        if (iface.index == index) return iface.name;
    }
    return {};
}

}  // namespace

std::vector<Route> read_default_routes(const std::vector<NetInterface>& interfaces,
                                       const std::vector<InterfaceMetric>& metrics,
                                       std::vector<std::string>& warnings) {
    std::vector<Route> routes;
    MIB_IPFORWARD_TABLE2* table = nullptr;
    const DWORD status = GetIpForwardTable2(AF_UNSPEC, &table);
    if (status != NO_ERROR) {
        warnings.push_back(describe_call_failure("GetIpForwardTable2", status));
        return routes;
    }
    for (ULONG i = 0; i < table->NumEntries; ++i) {
        const MIB_IPFORWARD_ROW2& row = table->Table[i];
        if (row.DestinationPrefix.PrefixLength != 0) continue;
        Route route;
        route.family = family_name(row.DestinationPrefix.Prefix.si_family);
        route.destination = sockaddr_inet_text(row.DestinationPrefix.Prefix);
        route.prefix_length = 0;
        if (!is_unspecified(row.NextHop)) route.gateway = sockaddr_inet_text(row.NextHop);
        route.interface_index = row.InterfaceIndex;
        route.interface_name = interface_name(interfaces, row.InterfaceIndex);
        route.metric =
            row.Metric +
            interface_metric(metrics, row.DestinationPrefix.Prefix.si_family, row.InterfaceIndex);
        routes.push_back(std::move(route));
    }
    FreeMibTable(table);
    return routes;
}

}  // namespace netdiag::platform::windows
