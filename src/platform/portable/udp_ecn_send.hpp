// What each OS supplies to the portable ECN-marked send: the one native call that sends a
// datagram with the mark in a control message, its name, and the OS's "invalid argument".
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "netdiag/udp_receive.hpp"
#include "platform/portable/udp_sockaddr.hpp"
#include "platform/portable/udp_socket_shim.hpp"

namespace netdiag::platform::udp {

struct EcnSendCall {
    std::string_view name;  // "sendmsg", "WSASendMsg"
    int invalid_argument = 0;
};

extern const EcnSendCall native_ecn_send_call;

// One datagram to destination with the IP_TOS / IP_ECN (or IPv6) control message set to ecn.
CallResult send_ecn_datagram(UdpSocket& socket, const SocketAddress& destination,
                             std::span<const std::byte> payload, std::uint8_t ecn);

}  // namespace netdiag::platform::udp
