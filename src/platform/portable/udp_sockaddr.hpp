// Conversions between udp::Endpoint and the BSD socket address structures, shared by the UDP
// send, receive and multicast paths of every OS.
#pragma once

#include <optional>
#include <string>

#include "netdiag/udp_send.hpp"
#include "platform/portable/socket_headers.hpp"

namespace netdiag::platform::udp {

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;

    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
    sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
};

// Numeric address + port to a socket address; nullopt when the address is not numeric.
std::optional<SocketAddress> to_socket_address(const Endpoint& endpoint);
std::optional<Endpoint> to_endpoint(const sockaddr* address, socklen_t length);
int to_native_family(Family family);

// The OS's words for a getaddrinfo failure (gai_strerror, or the Winsock error's name).
std::string resolver_error_text(int code);

}  // namespace netdiag::platform::udp
