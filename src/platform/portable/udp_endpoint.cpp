// Endpoint parsing and resolution and the route's source address and MTU: written once for every
// OS over the BSD socket calls both POSIX and Winsock provide.
#include <string>

#include "core/host_port.hpp"
#include "netdiag/platform.hpp"
#include "platform/portable/udp_sockaddr.hpp"

namespace netdiag::platform::udp {

Family Endpoint::family() const {
    return address.find(':') != std::string::npos ? Family::ipv6 : Family::ipv4;
}

std::string Endpoint::to_string() const {
    if (family() == Family::ipv6) return "[" + address + "]:" + std::to_string(port);
    return address + ":" + std::to_string(port);
}

int to_native_family(Family family) {
    return family == Family::ipv4 ? AF_INET : AF_INET6;
}

std::optional<SocketAddress> to_socket_address(const Endpoint& endpoint) {
    SocketAddress result;
    if (endpoint.family() == Family::ipv4) {
        auto* v4 = reinterpret_cast<sockaddr_in*>(&result.storage);
        v4->sin_family = AF_INET;
        v4->sin_port = htons(endpoint.port);
        if (inet_pton(AF_INET, endpoint.address.c_str(), &v4->sin_addr) != 1) return std::nullopt;
        result.length = sizeof(sockaddr_in);
    } else {
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&result.storage);
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(endpoint.port);
        if (inet_pton(AF_INET6, endpoint.address.c_str(), &v6->sin6_addr) != 1) {
            return std::nullopt;
        }
        result.length = sizeof(sockaddr_in6);
    }
    return result;
}

std::optional<Endpoint> to_endpoint(const sockaddr* address, socklen_t length) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
        inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
        return Endpoint{text, ntohs(v4->sin_port)};
    }
    if (address->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
        inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
        return Endpoint{text, ntohs(v6->sin6_port)};
    }
    return std::nullopt;
}

std::optional<Endpoint> resolve_endpoint(std::string_view text, std::uint16_t default_port,
                                         std::chrono::steady_clock::time_point deadline,
                                         std::string& error_text) {
    const HostPortUse use{.default_port = default_port, .example_port = default_port};
    const auto parsed = parse_host_port(text, use, error_text);
    if (!parsed) return std::nullopt;
    const auto addresses = lookup_addresses(parsed->host, deadline, error_text);
    if (addresses.empty()) return std::nullopt;
    return Endpoint{addresses.front(), parsed->port};
}

RouteFacts route_to(const Endpoint& destination) {
    RouteFacts facts;
    UdpSocket socket;
    if (auto error = socket.open(destination.family())) {
        facts.error = error;
        return facts;
    }
    if (auto error = socket.connect(destination)) {
        facts.error = error;
        return facts;
    }
    facts.source = socket.local_endpoint();
    if (facts.source) facts.source->port = 0;
    facts.mtu = socket.path_mtu();
    return facts;
}

}  // namespace netdiag::platform::udp
