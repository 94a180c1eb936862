// Listening sockets on Windows from IP Helper: GetExtendedTcpTable (listeners with their
// owning pid) and GetExtendedUdpTable, named through a Toolhelp process snapshot. Windows
// gives no accept queue, backlog or drop counter per socket, and lists a socket shared between
// processes under one owner only; visibility() says so, and the probe reports it.
#include <winsock2.h>
#include <ws2tcpip.h>
// after winsock2
#include <iphlpapi.h>
#include <tlhelp32.h>
#include <windows.h>

#include <map>
#include <type_traits>
#include <vector>

#include "netdiag/listeners.hpp"
#include "platform/windows/win_internal.hpp"

namespace netdiag::platform::listeners {
namespace {

std::string address_text(int family, const void* raw) {
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, raw, text, sizeof text);
    return text;
}

bool wanted(const Query& query, std::uint16_t port) {
    return port != 0 && (query.ports.empty() || query.ports.count(port) > 0);
}

// Calls `get(buffer, size)` until the buffer is large enough (the table can grow between
// calls); returns the Win32 result.
template <typename Get>
DWORD read_table(std::vector<unsigned char>& buffer, Get get) {
    DWORD size = 16 * 1024;
    DWORD result = ERROR_INSUFFICIENT_BUFFER;
    for (int attempt = 0; attempt < 4 && result == ERROR_INSUFFICIENT_BUFFER; ++attempt) {
        buffer.resize(size);
        result = get(buffer.data(), &size);
    }
    return result;
}

template <typename Table, typename Row>
void add_rows(const std::vector<unsigned char>& buffer, Transport transport, const Query& query,
              Sample& sample) {
    const auto* table = reinterpret_cast<const Table*>(buffer.data());
    for (DWORD i = 0; i < table->dwNumEntries; ++i) {
        const Row& row = table->table[i];
        const auto port = ntohs(static_cast<u_short>(row.dwLocalPort));
        if (!wanted(query, port)) continue;
        SocketFacts s;
        s.transport = transport;
        s.port = port;
        if constexpr (std::is_same_v<Row, MIB_TCPROW_OWNER_PID> ||
                      std::is_same_v<Row, MIB_UDPROW_OWNER_PID>) {
            s.address = address_text(AF_INET, &row.dwLocalAddr);
        } else {
            s.address = address_text(AF_INET6, row.ucLocalAddr);
        }
        // pid 0 is no process: Wine reports it for sockets of non-Windows processes.
        if (row.dwOwningPid != 0) s.holders.push_back(static_cast<long>(row.dwOwningPid));
        sample.sockets.push_back(std::move(s));
    }
}

void read_tcp(ULONG family, const Query& query, Sample& sample) {
    std::vector<unsigned char> buffer;
    const auto result = read_table(buffer, [&](void* data, DWORD* size) {
        return GetExtendedTcpTable(data, size, FALSE, family, TCP_TABLE_OWNER_PID_LISTENER, 0);
    });
    if (result != NO_ERROR) {
        sample.problems.push_back(windows::describe_call_failure("GetExtendedTcpTable", result));
        return;
    }
    if (family == AF_INET) {
        add_rows<MIB_TCPTABLE_OWNER_PID, MIB_TCPROW_OWNER_PID>(buffer, Transport::tcp, query,
                                                               sample);
    } else {
        add_rows<MIB_TCP6TABLE_OWNER_PID, MIB_TCP6ROW_OWNER_PID>(buffer, Transport::tcp, query,
                                                                 sample);
    }
}

void read_udp(ULONG family, const Query& query, Sample& sample) {
    std::vector<unsigned char> buffer;
    const auto result = read_table(buffer, [&](void* data, DWORD* size) {
        return GetExtendedUdpTable(data, size, FALSE, family, UDP_TABLE_OWNER_PID, 0);
    });
    if (result != NO_ERROR) {
        sample.problems.push_back(windows::describe_call_failure("GetExtendedUdpTable", result));
        return;
    }
    if (family == AF_INET) {
        add_rows<MIB_UDPTABLE_OWNER_PID, MIB_UDPROW_OWNER_PID>(buffer, Transport::udp, query,
                                                               sample);
    } else {
        add_rows<MIB_UDP6TABLE_OWNER_PID, MIB_UDP6ROW_OWNER_PID>(buffer, Transport::udp, query,
                                                                 sample);
    }
}

bool elevated() {
    HANDLE token = nullptr;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return false;
    TOKEN_ELEVATION elevation{};
    DWORD size = sizeof elevation;
    const bool ok =
        GetTokenInformation(token, TokenElevation, &elevation, sizeof elevation, &size) != 0;
    CloseHandle(token);
    return ok && elevation.TokenIsElevated != 0;
}

}  // namespace

Visibility visibility() {
    Visibility v;
    v.limits = {
        "Windows shows no accept queue, backlog or listen drop counter per socket: full queues "
        "cannot be seen",
        "Windows lists a socket shared between processes (WSADuplicateSocket, inherited "
        "handles) under one owning process only: an inherited socket looks like a single one",
        "what a process is blocked in is not read on Windows"};
    return v;
}

Sample sample_sockets(const Query& query) {
    Sample sample;
    sample.method = "GetExtendedTcpTable, GetExtendedUdpTable";
    for (const ULONG family : {static_cast<ULONG>(AF_INET), static_cast<ULONG>(AF_INET6)}) {
        read_tcp(family, query, sample);
        if (query.udp) read_udp(family, query, sample);
    }
    return sample;
}

Holders find_holders(Sample& sample) {
    Holders holders;
    holders.method = "Toolhelp process snapshot";
    holders.privileged = elevated();
    std::map<long, ProcessFacts> all;
    HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snapshot == INVALID_HANDLE_VALUE) {
        holders.problems.push_back(
            windows::describe_call_failure("CreateToolhelp32Snapshot", GetLastError()));
    } else {
        PROCESSENTRY32W entry{};
        entry.dwSize = sizeof entry;
        for (BOOL more = Process32FirstW(snapshot, &entry); more;
             more = Process32NextW(snapshot, &entry)) {
            ProcessFacts p;
            p.pid = static_cast<long>(entry.th32ProcessID);
            p.parent = static_cast<long>(entry.th32ParentProcessID);
            p.name = windows::to_utf8(entry.szExeFile);
            all[p.pid] = std::move(p);
        }
        CloseHandle(snapshot);
    }
    const auto self = static_cast<long>(GetCurrentProcessId());
    auto own = [&](long pid) {
        if (pid == self) return true;
        const auto it = all.find(pid);
        return it != all.end() && it->second.parent == self;
    };
    std::erase_if(sample.sockets, [&](const SocketFacts& s) {
        return !s.holders.empty() && own(s.holders.front());
    });
    for (const auto& s : sample.sockets) {
        for (const long pid : s.holders) {
            const auto it = all.find(pid);
            if (it != all.end()) {
                holders.processes[pid] = it->second;
            } else {
                holders.processes[pid].pid = pid;  // ended since the table was read
            }
        }
    }
    return holders;
}

std::optional<std::uint32_t> somaxconn() {
    return std::nullopt;
}

}  // namespace netdiag::platform::listeners
