// Conversions between udp::Endpoint and Winsock socket addresses, shared by the Windows parts
// of the UDP send paths.
#pragma once

#include <winsock2.h>
#include <ws2tcpip.h>

#include <optional>

#include "netdiag/udp_send.hpp"

namespace netdiag::platform::udp {

struct SocketAddress {
    sockaddr_storage storage{};
    int length = 0;

    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
    sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
};

std::optional<SocketAddress> to_socket_address(const Endpoint& endpoint);
std::optional<Endpoint> to_endpoint(const sockaddr* address, int length);
int to_native_family(Family family);

}  // namespace netdiag::platform::udp
