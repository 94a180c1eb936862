// Helpers shared by the Windows platform files. Windows-only: included from
// src/platform/windows/*.cpp alone.
#pragma once

#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include <string>
#include <string_view>
#include <vector>

#include "netdiag/platform.hpp"

namespace netdiag::platform::windows {

// UTF-16 from the API to the UTF-8 the report uses.
std::string to_utf8(std::wstring_view text);
std::string to_utf8(const wchar_t* text);
std::wstring to_wide(std::string_view utf8);

// Numeric text of an IPv4/IPv6 socket address ("192.168.1.10", "fe80::1"); the IPv6 zone is
// left out, as on Linux. Empty for other families.
std::string address_text(const sockaddr* address);
// "ipv4", "ipv6" or "" for an address family.
std::string family_name(int family);

// An interface's routing metrics (GetAdaptersAddresses' Ipv4Metric/Ipv6Metric). Windows ranks
// routes by route metric plus this one.
struct InterfaceMetric {
    unsigned index = 0;
    unsigned ipv4 = 0;
    unsigned ipv6 = 0;
};

// Interfaces as GetAdaptersAddresses reports them; failures go to warnings.
std::vector<NetInterface> read_interfaces(std::vector<std::string>& warnings,
                                          std::vector<InterfaceMetric>& metrics);
// Default routes (prefix length 0) from GetIpForwardTable2, named after `interfaces`.
std::vector<Route> read_default_routes(const std::vector<NetInterface>& interfaces,
                                       const std::vector<InterfaceMetric>& metrics,
                                       std::vector<std::string>& warnings);
// Each adapter's power management from its network-class registry key (NetInterface::power).
void read_adapter_power(std::vector<NetInterface>& interfaces);
// The active power plan and its USB selective-suspend setting.
PowerPlan read_power_plan();
// OS version, computer name, architecture; Wine is reported as the container.
HostFacts read_host_facts(std::vector<std::string>& warnings);

// "GetAdaptersAddresses: ERROR_NOT_SUPPORTED (50) The request is not supported."
std::string describe_call_failure(std::string_view call, unsigned long code);

}  // namespace netdiag::platform::windows
