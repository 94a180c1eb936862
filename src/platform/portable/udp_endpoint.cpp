// Endpoint parsing and resolution and the route's source address and MTU: written once for every
// OS over the BSD socket calls both POSIX and Winsock provide.
#include <charconv>
#include <string>

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
                                         std::string& error_text) {
    std::string host;
    std::string_view port_text;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) {
            error_text = "missing ']' in '" + std::string(text) + "'";
            return std::nullopt;
        }
        host = std::string(text.substr(1, close - 1));
        auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                error_text = "expected ':' after ']' in '" + std::string(text) + "'";
                return std::nullopt;
            }
            port_text = rest.substr(1);
        }
    } else if (const auto colon = text.rfind(':');
               colon != std::string_view::npos && text.find(':') == colon) {
        host = std::string(text.substr(0, colon));
        port_text = text.substr(colon + 1);
    } else {
        host = std::string(text);  // a bare IPv4 address, name or unbracketed IPv6 address
    }
    std::uint16_t port = default_port;
    if (!port_text.empty()) {
        unsigned value = 0;
        const auto [end, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || value > 65535) {
            error_text = "bad port '" + std::string(port_text) + "'";
            return std::nullopt;
        }
        port = static_cast<std::uint16_t>(value);
    }
    if (host.empty()) {
        error_text = "missing host in '" + std::string(text) + "'";
        return std::nullopt;
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* found = nullptr;
    const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (rc != 0 || found == nullptr) {
        error_text = "cannot resolve '" + host + "': " + resolver_error_text(rc);
        return std::nullopt;
    }
    auto endpoint = to_endpoint(found->ai_addr, static_cast<socklen_t>(found->ai_addrlen));
    freeaddrinfo(found);
    if (!endpoint) {
        error_text = "'" + host + "' has no IPv4 or IPv6 address";
        return std::nullopt;
    }
    endpoint->port = port;
    return endpoint;
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
