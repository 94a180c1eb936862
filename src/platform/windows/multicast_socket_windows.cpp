// Multicast on Windows: Winsock reuse semantics (SO_REUSEADDR lets a newcomer share or take a
// port; SO_EXCLUSIVEADDRUSE forbids it), group membership per interface address, port owners
// from GetExtendedUdpTable and the group's route from GetBestRoute2.
#include <winsock2.h>
#include <ws2tcpip.h>
// after winsock2
#include <iphlpapi.h>
#include <netioapi.h>
#include <windows.h>

#include <algorithm>
#include <type_traits>
#include <vector>

#include "netdiag/multicast.hpp"
#include "platform/windows/win_internal.hpp"

namespace netdiag::platform::multicast {
namespace {

struct WinAddress {
    sockaddr_storage storage{};
    int length = 0;
    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

bool to_address(const std::string& text, std::uint16_t port, Family family, WinAddress& out) {
    std::string address = text;
    if (address.empty()) address = family == Family::ipv4 ? "0.0.0.0" : "::";
    if (family == Family::ipv4) {
        auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) != 1) return false;
        out.length = sizeof(sockaddr_in);
        return true;
    }
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) != 1) return false;
    out.length = sizeof(sockaddr_in6);
    return true;
}

SysError set_dword(SOCKET s, int level, int name, DWORD value) {
    if (setsockopt(s, level, name, reinterpret_cast<const char*>(&value), sizeof value) != 0) {
        return last_socket_error();
    }
    return {};
}

SysError invalid() {
    return describe_native_error(WSAEINVAL);
}

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

std::optional<Family> family_of(const std::string& address) {
    unsigned char buffer[sizeof(in6_addr)];
    if (inet_pton(AF_INET, address.c_str(), buffer) == 1) return Family::ipv4;
    if (inet_pton(AF_INET6, address.c_str(), buffer) == 1) return Family::ipv6;
    return std::nullopt;
}

bool is_multicast_address(const std::string& address) {
    in_addr v4{};
    if (inet_pton(AF_INET, address.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 28) == 0xe;
    in6_addr v6{};
    if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) return v6.s6_addr[0] == 0xff;
    return false;
}

std::string describe(const BindMode& mode) {
    if (mode.exclusive) return "SO_EXCLUSIVEADDRUSE";
    if (mode.reuse_address) return "SO_REUSEADDR";
    return "no reuse";
}

PlatformTraits traits() {
    return {.has_reuse_port = false,
            .has_exclusive_address_use = true,
            .zenoh_binds_group_address = false,
            .reports_arrival_interface = false};
}

struct MulticastSocket::State {
    SOCKET socket = INVALID_SOCKET;
    Family family = Family::ipv4;
};

MulticastSocket::MulticastSocket() : state_(std::make_unique<State>()) {}
MulticastSocket::~MulticastSocket() {
    close();
}
MulticastSocket::MulticastSocket(MulticastSocket&& other) noexcept = default;
MulticastSocket& MulticastSocket::operator=(MulticastSocket&& other) noexcept {
    if (this != &other) {
        close();
        state_ = std::move(other.state_);
    }
    return *this;
}

SysError MulticastSocket::open(Family family) {
    close();
    if (!state_) state_ = std::make_unique<State>();
    state_->family = family;
    // Not inheritable: a worker or tool started meanwhile would otherwise keep the port bound
    // for its whole life.
    state_->socket =
        ::WSASocketW(family == Family::ipv4 ? AF_INET : AF_INET6, SOCK_DGRAM, IPPROTO_UDP, nullptr,
                     0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (state_->socket == INVALID_SOCKET) return last_socket_error();
    return {};
}

bool MulticastSocket::is_open() const {
    return state_ && state_->socket != INVALID_SOCKET;
}

void MulticastSocket::close() {
    if (is_open()) {
        closesocket(state_->socket);
        state_->socket = INVALID_SOCKET;
    }
}

SysError MulticastSocket::bind(const std::string& address, std::uint16_t port,
                               const BindMode& mode) {
    if (!is_open()) return describe_native_error(WSAENOTSOCK);
    if (mode.reuse_address) {
        if (auto e = set_dword(state_->socket, SOL_SOCKET, SO_REUSEADDR, 1)) return e;
    }
    if (mode.exclusive) {
        if (auto e = set_dword(state_->socket, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1)) return e;
    }
    if (mode.reuse_port) return describe_native_error(WSAENOPROTOOPT);  // no SO_REUSEPORT here
    WinAddress a;
    if (!to_address(address, port, state_->family, a)) return invalid();
    if (::bind(state_->socket, a.get(), a.length) != 0) return last_socket_error();
    return {};
}

std::optional<std::uint16_t> MulticastSocket::local_port() const {
    if (!is_open()) return std::nullopt;
    sockaddr_storage s{};
    int length = sizeof s;
    if (getsockname(state_->socket, reinterpret_cast<sockaddr*>(&s), &length) != 0) {
        return std::nullopt;
    }
    if (s.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&s)->sin_port);
    return ntohs(reinterpret_cast<sockaddr_in6*>(&s)->sin6_port);
}

SysError MulticastSocket::join(const std::string& group, const InterfaceSelector& where) {
    if (!is_open()) return describe_native_error(WSAENOTSOCK);
    if (state_->family == Family::ipv4) {
        ip_mreq request{};
        if (inet_pton(AF_INET, group.c_str(), &request.imr_multiaddr) != 1) return invalid();
        request.imr_interface.s_addr = htonl(INADDR_ANY);
        if (!where.ipv4_address.empty() &&
            inet_pton(AF_INET, where.ipv4_address.c_str(), &request.imr_interface) != 1) {
            return invalid();
        }
        if (setsockopt(state_->socket, IPPROTO_IP, IP_ADD_MEMBERSHIP,
                       reinterpret_cast<const char*>(&request), sizeof request) != 0) {
            return last_socket_error();
        }
        return {};
    }
    ipv6_mreq request{};
    if (inet_pton(AF_INET6, group.c_str(), &request.ipv6mr_multiaddr) != 1) return invalid();
    request.ipv6mr_interface = where.index;
    if (setsockopt(state_->socket, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP,
                   reinterpret_cast<const char*>(&request), sizeof request) != 0) {
        return last_socket_error();
    }
    return {};
}

SysError MulticastSocket::set_outgoing_interface(const InterfaceSelector& where) {
    if (!is_open()) return describe_native_error(WSAENOTSOCK);
    if (state_->family == Family::ipv4) {
        in_addr address{};
        address.s_addr = htonl(INADDR_ANY);
        if (!where.ipv4_address.empty() &&
            inet_pton(AF_INET, where.ipv4_address.c_str(), &address) != 1) {
            return invalid();
        }
        if (setsockopt(state_->socket, IPPROTO_IP, IP_MULTICAST_IF,
                       reinterpret_cast<const char*>(&address), sizeof address) != 0) {
            return last_socket_error();
        }
        return {};
    }
    return set_dword(state_->socket, IPPROTO_IPV6, IPV6_MULTICAST_IF, where.index);
}

SysError MulticastSocket::set_hops(int hops) {
    if (!is_open()) return describe_native_error(WSAENOTSOCK);
    if (state_->family == Family::ipv4) {
        return set_dword(state_->socket, IPPROTO_IP, IP_MULTICAST_TTL, static_cast<DWORD>(hops));
    }
    return set_dword(state_->socket, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, static_cast<DWORD>(hops));
}

SysError MulticastSocket::set_loopback(bool on) {
    if (!is_open()) return describe_native_error(WSAENOTSOCK);
    // Windows applies the loop option on the receiving socket; the probe sends and receives on
    // the same socket, so one setting covers both readings.
    if (state_->family == Family::ipv4) {
        return set_dword(state_->socket, IPPROTO_IP, IP_MULTICAST_LOOP, on ? 1 : 0);
    }
    return set_dword(state_->socket, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, on ? 1 : 0);
}

SysError MulticastSocket::send_to(const std::string& address, std::uint16_t port,
                                  std::span<const std::uint8_t> bytes) {
    if (!is_open()) return describe_native_error(WSAENOTSOCK);
    WinAddress a;
    if (!to_address(address, port, state_->family, a)) return invalid();
    if (::sendto(state_->socket, reinterpret_cast<const char*>(bytes.data()),
                 static_cast<int>(bytes.size()), 0, a.get(), a.length) == SOCKET_ERROR) {
        return last_socket_error();
    }
    return {};
}

ReceiveResult MulticastSocket::receive(std::chrono::steady_clock::time_point deadline) {
    ReceiveResult result;
    if (!is_open()) {
        result.error = describe_native_error(WSAENOTSOCK);
        return result;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    WSAPOLLFD p{state_->socket, POLLRDNORM, 0};
    const int ready = WSAPoll(&p, 1, static_cast<INT>(std::max<long long>(0, left.count())));
    if (ready == SOCKET_ERROR) {
        result.error = last_socket_error();
        return result;
    }
    if (ready == 0) {
        result.timed_out = true;
        return result;
    }
    Datagram datagram;
    datagram.bytes.resize(65536);
    sockaddr_storage from{};
    int from_length = sizeof from;
    const int got = ::recvfrom(state_->socket, reinterpret_cast<char*>(datagram.bytes.data()),
                               static_cast<int>(datagram.bytes.size()), 0,
                               reinterpret_cast<sockaddr*>(&from), &from_length);
    if (got == SOCKET_ERROR) {
        result.error = last_socket_error();
        return result;
    }
    datagram.bytes.resize(static_cast<std::size_t>(got));
    datagram.source_address = windows::address_text(reinterpret_cast<const sockaddr*>(&from));
    datagram.source_port = from.ss_family == AF_INET
                               ? ntohs(reinterpret_cast<sockaddr_in*>(&from)->sin_port)
                               : ntohs(reinterpret_cast<sockaddr_in6*>(&from)->sin6_port);
    result.datagram = std::move(datagram);
    return result;
}

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
