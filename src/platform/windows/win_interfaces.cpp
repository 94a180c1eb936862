// Network interfaces on Windows: GetAdaptersAddresses for names, addresses and status,
// GetIfEntry2 for the administrative state, and the adapter's Plug and Play id (registry) for
// the bus it sits on, which tells a USB dock's NIC from a built-in one.
// First: <winsock2.h> must come before <iphlpapi.h>.
#include "platform/windows/win_internal.hpp"

#include <iphlpapi.h>
#include <netioapi.h>

#include <cstdio>
#include <cstring>
#include <cwchar>
#include <memory>

namespace netdiag::platform::windows {
namespace {

// Same words as Linux's /sys/class/net/*/operstate, so findings read alike on both.
std::string oper_state_name(IF_OPER_STATUS status) {
    switch (status) {
        case IfOperStatusUp:
            return "up";
        case IfOperStatusDown:
            return "down";
        case IfOperStatusTesting:
            return "testing";
        case IfOperStatusDormant:
            return "dormant";
        case IfOperStatusNotPresent:
            return "notpresent";
        case IfOperStatusLowerLayerDown:
            return "lowerlayerdown";
        default:
            return "unknown";
    }
}

std::string hardware_address_text(const BYTE* bytes, ULONG length) {
    std::string text;
    for (ULONG i = 0; i < length; ++i) {
        char part[4];
        std::snprintf(part, sizeof part, i == 0 ? "%02x" : ":%02x", bytes[i]);
        text += part;
    }
    return text;
}

// "USB\VID_0BDA&PID_8153\..." → usb; "PCI\VEN_8086..." → pci; software adapters → virtual.
std::string bus_from_pnp_id(const std::wstring& pnp_id) {
    auto starts_with = [&](const wchar_t* prefix) {
        return _wcsnicmp(pnp_id.c_str(), prefix, wcslen(prefix)) == 0;
    };
    if (starts_with(L"USB\\")) return "usb";
    if (starts_with(L"PCI\\")) return "pci";
    if (starts_with(L"ROOT\\") || starts_with(L"SWD\\")) return "virtual";
    return {};
}

std::wstring pnp_instance_id(const char* adapter_name) {
    const std::wstring key =
        L"SYSTEM\\CurrentControlSet\\Control\\Network\\{4D36E972-E325-11CE-BFC1-08002BE10318}\\" +
        std::wstring(adapter_name, adapter_name + std::strlen(adapter_name)) + L"\\Connection";
    wchar_t value[512] = {};
    DWORD size = sizeof value;
    const LSTATUS status = RegGetValueW(HKEY_LOCAL_MACHINE, key.c_str(), L"PnPInstanceId",
                                        RRF_RT_REG_SZ, nullptr, value, &size);
    return status == ERROR_SUCCESS ? std::wstring(value) : std::wstring{};
}

NetInterface from_adapter(const IP_ADAPTER_ADDRESSES& adapter) {
    NetInterface iface;
    iface.name = adapter.AdapterName != nullptr ? adapter.AdapterName : "";
    iface.friendly_name = to_utf8(adapter.FriendlyName);
    iface.driver = to_utf8(adapter.Description);
    iface.index = adapter.IfIndex != 0 ? adapter.IfIndex : adapter.Ipv6IfIndex;
    iface.if_type = static_cast<unsigned>(adapter.IfType);
    iface.mtu = adapter.Mtu;
    iface.oper_state = oper_state_name(adapter.OperStatus);
    iface.flags.running = adapter.OperStatus == IfOperStatusUp;
    iface.flags.up = iface.flags.running;  // refined from GetIfEntry2 below
    iface.flags.loopback = adapter.IfType == IF_TYPE_SOFTWARE_LOOPBACK;
    iface.flags.multicast = (adapter.Flags & IP_ADAPTER_NO_MULTICAST) == 0;
    iface.flags.point_to_point = adapter.IfType == IF_TYPE_PPP || adapter.IfType == IF_TYPE_TUNNEL;
    iface.hardware_address =
        hardware_address_text(adapter.PhysicalAddress, adapter.PhysicalAddressLength);
    for (auto* unicast = adapter.FirstUnicastAddress; unicast != nullptr; unicast = unicast->Next) {
        const sockaddr* address = unicast->Address.lpSockaddr;
        if (address == nullptr) continue;
        const std::string text = address_text(address);
        if (text.empty()) continue;
        iface.addresses.push_back(
            {family_name(address->sa_family), text, unicast->OnLinkPrefixLength});
    }
    return iface;
}

// Administrative state and whether the adapter is hardware, from the interface table.
void add_interface_row_facts(NetInterface& iface, const NET_LUID& luid) {
    MIB_IF_ROW2 row{};
    row.InterfaceLuid = luid;
    if (GetIfEntry2(&row) != NO_ERROR) return;
    iface.flags.up = row.AdminStatus == NET_IF_ADMIN_STATUS_UP;
    if (iface.bus.empty() && !row.InterfaceAndOperStatusFlags.HardwareInterface) {
        iface.bus = "virtual";
    }
}

}  // namespace

std::vector<NetInterface> read_interfaces(std::vector<std::string>& warnings,
                                          std::vector<InterfaceMetric>& metrics) {
    // Disconnected adapters are included (their status is down): a NIC that keeps dropping
    // is exactly what a user needs to see.
    const ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
    ULONG size = 16 * 1024;
    std::unique_ptr<unsigned char[]> buffer;
    ULONG status = ERROR_BUFFER_OVERFLOW;
    // The table can grow between the sizing call and the real one: retry a few times.
    for (int attempt = 0; attempt < 4 && status == ERROR_BUFFER_OVERFLOW; ++attempt) {
        buffer = std::make_unique<unsigned char[]>(size);
        status = GetAdaptersAddresses(AF_UNSPEC, flags, nullptr,
                                      reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.get()), &size);
    }
    std::vector<NetInterface> interfaces;
    if (status == ERROR_NO_DATA) return interfaces;
    if (status != NO_ERROR) {
        warnings.push_back(describe_call_failure("GetAdaptersAddresses", status));
        return interfaces;
    }
    for (auto* adapter = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.get()); adapter != nullptr;
         adapter = adapter->Next) {
        NetInterface iface = from_adapter(*adapter);
        if (adapter->AdapterName != nullptr) {
            iface.bus = bus_from_pnp_id(pnp_instance_id(adapter->AdapterName));
        }
        if (iface.bus.empty() && iface.flags.loopback) iface.bus = "virtual";
        add_interface_row_facts(iface, adapter->Luid);
        metrics.push_back({iface.index, adapter->Ipv4Metric, adapter->Ipv6Metric});
        interfaces.push_back(std::move(iface));
    }
    return interfaces;
}

}  // namespace netdiag::platform::windows
