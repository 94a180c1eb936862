// Who holds a UDP port on Windows: GetExtendedUdpTable with the owning pid, for IPv4 and IPv6,
// and the process's image name where the caller may open it.
#include <winsock2.h>
#include <ws2tcpip.h>
// after winsock2
#include <iphlpapi.h>
#include <windows.h>

#include <algorithm>
#include <type_traits>
#include <vector>

#include "netdiag/multicast.hpp"
#include "platform/windows/win_internal.hpp"

namespace netdiag::platform::multicast {
namespace {

std::string process_name(DWORD pid) {
    HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (process == nullptr) return {};
    wchar_t path[MAX_PATH] = {};
    DWORD size = MAX_PATH;
    std::string name;
    if (QueryFullProcessImageNameW(process, 0, path, &size)) {
        name = windows::to_utf8(path);
        const auto slash = name.find_last_of("\\/");
        if (slash != std::string::npos) name = name.substr(slash + 1);
    }
    CloseHandle(process);
    return name;
}

std::string address_text(int family, const void* raw) {
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, raw, text, sizeof text);
    return text;
}

// GetExtendedUdpTable with the owning pid, for one family.
template <typename Table, typename Row>
void read_owners(ULONG family, std::uint16_t port, PortOwnerLookup& lookup, std::string& error) {
    std::vector<unsigned char> buffer(16 * 1024);
    DWORD size = static_cast<DWORD>(buffer.size());
    DWORD result = ERROR_INSUFFICIENT_BUFFER;
    for (int attempt = 0; attempt < 4 && result == ERROR_INSUFFICIENT_BUFFER; ++attempt) {
        buffer.resize(size);
        result = GetExtendedUdpTable(buffer.data(), &size, FALSE, family, UDP_TABLE_OWNER_PID, 0);
    }
    if (result != NO_ERROR) {
        error = windows::describe_call_failure("GetExtendedUdpTable", result);
        return;
    }
    const auto* table = reinterpret_cast<const Table*>(buffer.data());
    for (DWORD i = 0; i < table->dwNumEntries; ++i) {
        const Row& row = table->table[i];
        if (ntohs(static_cast<u_short>(row.dwLocalPort)) != port) continue;
        PortOwner owner;
        if constexpr (std::is_same_v<Row, MIB_UDPROW_OWNER_PID>) {
            owner.local_address = address_text(AF_INET, &row.dwLocalAddr);
        } else {
            owner.local_address = address_text(AF_INET6, row.ucLocalAddr);
        }
        owner.port = port;
        // pid 0 is no process: Wine reports it for sockets of non-Windows processes.
        if (row.dwOwningPid != 0) {
            owner.pid = static_cast<long>(row.dwOwningPid);
            owner.process = process_name(row.dwOwningPid);
        }
        lookup.owners.push_back(std::move(owner));
    }
}

}  // namespace

PortOwnerLookup find_udp_port_owners(std::uint16_t port) {
    PortOwnerLookup lookup;
    lookup.method = "GetExtendedUdpTable";
    std::string error;
    read_owners<MIB_UDPTABLE_OWNER_PID, MIB_UDPROW_OWNER_PID>(AF_INET, port, lookup, error);
    read_owners<MIB_UDP6TABLE_OWNER_PID, MIB_UDP6ROW_OWNER_PID>(AF_INET6, port, lookup, error);
    if (!error.empty()) {
        lookup.note = error;
    } else if (std::any_of(lookup.owners.begin(), lookup.owners.end(),
                           [](const PortOwner& o) { return o.process.empty(); })) {
        lookup.note =
            "some owners could not be named: run as administrator (under Wine, "
            "sockets of non-Windows processes have no pid)";
    }
    return lookup;
}

}  // namespace netdiag::platform::multicast
