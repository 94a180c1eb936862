// What each OS supplies to the portable UDP socket: one native socket and the handful of calls
// that differ (open, options, the three ways to send, receive) with the OS's own error numbers.
// Everything around them (validation, retries, outcomes, the failed call's name) is written
// once in udp_send_orchestration.cpp and unit-tested on every OS against a fake shim.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "netdiag/udp_send.hpp"
#include "platform/portable/udp_sockaddr.hpp"

namespace netdiag::platform::udp {

// Socket options the portable socket reads or sets; each OS maps them to its own constants.
enum class SocketOption {
    send_buffer,     // SO_SNDBUF
    receive_buffer,  // SO_RCVBUF
    path_mtu,        // IP_MTU / IPV6_MTU of a connected socket, for the socket's family
    segment_size,    // UDP_SEGMENT (Linux GSO) / UDP_SEND_MSG_SIZE (Windows USO)
};

// The level and name of each SocketOption in one OS's constants.
struct OptionNames {
    struct Name {
        int level = 0;
        int name = 0;
    };
    Name send_buffer, receive_buffer, path_mtu_v4, path_mtu_v6, segment_size;

    constexpr Name of(SocketOption option, Family family) const {
        switch (option) {
            case SocketOption::send_buffer:
                return send_buffer;
            case SocketOption::receive_buffer:
                return receive_buffer;
            case SocketOption::path_mtu:
                return family == Family::ipv4 ? path_mtu_v4 : path_mtu_v6;
            case SocketOption::segment_size:
                return segment_size;
        }
        return send_buffer;
    }
};

// What one native send call answered: a count (bytes, or messages for send_many) or, when the
// count is negative, the OS's error number.
struct CallResult {
    long count = -1;
    int error = 0;
};

// Where the sends of one batch go. `destination` is null when the socket is connected to it and
// nothing is pinned: the sends then name no address, as a streaming sender's connected socket
// does. `pinned` adds the PKTINFO control message with the source set_pinned_source stored.
struct SendTarget {
    const SocketAddress* destination = nullptr;
    bool pinned = false;
};

class UdpSocketShim {
public:
    virtual ~UdpSocketShim() = default;

    // Opens a UDP socket of the family whose sends never block longer than about a second;
    // 0 or the OS's error number.
    virtual int open(Family family) = 0;
    virtual void close() = 0;
    virtual bool is_open() const = 0;
    virtual std::intptr_t native_handle() const = 0;
    virtual int bind(const SocketAddress& local) = 0;
    virtual int connect(const SocketAddress& remote) = 0;
    virtual int local_address(SocketAddress& local) const = 0;
    virtual int set_option(SocketOption option, int value) = 0;
    virtual int get_option(SocketOption option, int& value) const = 0;
    // Stores the source the PKTINFO control message pins (interface 0: the OS routes by the
    // destination and sends from this address, or refuses when the host does not own it).
    virtual void set_pinned_source(const SocketAddress& source) = 0;

    // The OS's number for "invalid argument" (EINVAL, WSAEINVAL).
    virtual int invalid_argument() const = 0;
    // A full send queue or an interrupted call: worth waiting and trying again.
    virtual bool is_transient(int error) const = 0;
    virtual void wait_for_queue_space(int error) = 0;

    virtual bool supports(SendPath path) const = 0;
    // One datagram.
    virtual CallResult send_one(std::span<const std::byte> datagram, const SendTarget& target) = 0;
    // Up to `count` datagrams of segment_size bytes from `payload` in one call; the count is
    // the datagrams taken (never 0 without an error number), `bytes` their payload.
    virtual CallResult send_many(std::span<const std::byte> payload, std::size_t segment_size,
                                 std::size_t count, const SendTarget& target,
                                 std::size_t& bytes) = 0;
    virtual std::size_t max_messages_per_call() const = 0;
    // The whole payload in one call, cut into segment_size datagrams by the stack: the segment
    // size as a control message (segment_cmsg), or as the socket option already set
    // (segment_sockopt, cmsg_segment 0).
    virtual CallResult send_segmented(std::span<const std::byte> payload, std::size_t segment_size,
                                      std::size_t cmsg_segment, const SendTarget& target) = 0;

    virtual ReceiveOutcome receive(std::span<std::byte> buffer,
                                   std::chrono::milliseconds timeout) = 0;

    // The OS's names, for SendOutcome::failed_call.
    virtual std::string_view segment_option_name() const = 0;
    virtual std::string per_datagram_call(const SendTarget& target) const = 0;
    virtual std::string segmented_call(SendPath path, bool pinned) const = 0;
};

// This OS's shim (src/platform/<os>/udp_socket_<os>.cpp).
std::unique_ptr<UdpSocketShim> make_udp_socket_shim();

// What the portable socket knows about where sends go.
struct SendSettings {
    SocketAddress destination;
    bool has_destination = false;
    bool pinned = false;
    SocketAddress connected_to;
    bool connected = false;
    int segment_option = 0;  // the segmentation socket option currently set

    SendTarget target() const;
};

// Sends payload as datagrams of segment_size bytes by the path through the shim: validation,
// the segmentation option, bounded retries of transient errors, and the outcome.
SendOutcome send_datagrams(UdpSocketShim& shim, SendSettings& settings, SendPath path,
                           std::span<const std::byte> payload, std::size_t segment_size);

// This OS's names of the send paths, indexed by SendPath, for native_call().
extern const std::string_view native_send_calls[4];

}  // namespace netdiag::platform::udp
