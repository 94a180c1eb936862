// Receive-side UDP capabilities: reading back the ECN mark of a datagram (the two low bits of
// the IPv4 TOS / IPv6 traffic class) and receive coalescing (Linux UDP_GRO, Windows URO with
// UDP_RECV_MAX_COALESCED_SIZE). QUIC stacks turn both on when they open their socket. Each OS
// supplies these thin calls in src/platform/<os>/udp_receive_<os>.cpp; the checks that use
// them are portable (src/probes/udp_batch/receive_checks.cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "netdiag/error.hpp"
#include "netdiag/udp_send.hpp"

namespace netdiag::platform::udp {

// ECN codepoints (RFC 3168): the two low bits of the TOS / traffic class byte.
inline constexpr std::uint8_t kEcnNotEct = 0b00;
inline constexpr std::uint8_t kEcnEct1 = 0b01;
inline constexpr std::uint8_t kEcnEct0 = 0b10;
inline constexpr std::uint8_t kEcnCe = 0b11;

// This platform's names, for reports: "IP_RECVTOS" / "IP_RECVECN", "IP_TOS cmsg" / "IP_ECN
// cmsg", "UDP_GRO" / "UDP_RECV_MAX_COALESCED_SIZE", "UDP_GRO cmsg" / "UDP_COALESCED_INFO cmsg".
std::string_view ecn_receive_option(Family family);
std::string_view ecn_send_control(Family family);
std::string_view coalescing_option();
std::string_view coalescing_control();

// Asks the OS to report each received datagram's ECN bits in a control message.
SysError enable_ecn_receive(UdpSocket& socket);
// Asks the OS to hand over coalesced datagrams of up to max_bytes, each with its segment size.
SysError enable_receive_coalescing(UdpSocket& socket, std::size_t max_bytes);

// One datagram to destination carrying the ECN codepoint ecn, set per packet in a control
// message (the way QUIC stacks mark their packets).
SendOutcome send_ecn_marked(UdpSocket& socket, const Endpoint& destination,
                            std::span<const std::byte> payload, std::uint8_t ecn);

struct ReceivedMessage {
    std::size_t size = 0;  // bytes read: several segments when the OS coalesced them
    bool timed_out = false;
    SysError error;
    std::optional<std::uint8_t> ecn;          // the ECN bits, when the OS reported them
    std::optional<std::size_t> segment_size;  // the coalesced segments' size, when reported
};

// Waits up to timeout for one datagram and reads it with its control messages (recvmsg /
// WSARecvMsg). buffer should hold 65536 bytes.
ReceivedMessage receive_message(UdpSocket& socket, std::span<std::byte> buffer,
                                std::chrono::milliseconds timeout);

}  // namespace netdiag::platform::udp
