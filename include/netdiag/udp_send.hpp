// UDP send paths as capabilities: plain per-datagram sends, multi-message sends and segmentation
// offload (Linux UDP_SEGMENT / Windows UDP_SEND_MSG_SIZE), each optionally with the source
// address pinned by IP_PKTINFO / IPV6_PKTINFO. Every send returns what the OS did with it
// (accepted, partially sent, rejected) with the portable and the native error, so the probe can
// report exactly what a streaming program would see. The policy is written once in
// src/platform/portable/; each OS supplies the native calls
// (src/platform/<os>/udp_socket_<os>.cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "netdiag/error.hpp"

namespace netdiag::platform::udp {

enum class Family { ipv4, ipv6 };

// A numeric address and a port. IPv6 addresses are written without brackets.
struct Endpoint {
    std::string address;
    std::uint16_t port = 0;

    Family family() const;
    // "127.0.0.1:9" or "[::1]:9"
    std::string to_string() const;
};

// Resolves "HOST:PORT", "[V6]:PORT" or a bare HOST or IPv6 address (then default_port) to a
// numeric endpoint, the first address the resolver gives; a name's lookup ends at the deadline.
// On failure returns nullopt and sets error_text to one line naming the cause.
std::optional<Endpoint> resolve_endpoint(std::string_view text, std::uint16_t default_port,
                                         std::chrono::steady_clock::time_point deadline,
                                         std::string& error_text);

// How a batch of datagrams is handed to the OS.
enum class SendPath {
    per_datagram,     // Linux sendto/sendmsg per datagram; Windows WSASendTo/WSASendMsg
    multi_message,    // Linux sendmmsg; not available on Windows
    segment_cmsg,     // one call with the segment size as a control message (GSO / USO)
    segment_sockopt,  // segment size set once as a socket option, then one send per batch
};

// Stable portable name used in reports: "per-datagram", "multi-message", …
std::string_view to_string(SendPath path);
// This platform's own name for the path: "sendmsg + UDP_SEGMENT cmsg", "WSASendTo", …
std::string_view native_call(SendPath path);
// The paths this platform implements, unbatched first.
std::vector<SendPath> available_send_paths();
inline bool is_batched(SendPath path) {
    return path != SendPath::per_datagram;
}

enum class SendStatus {
    accepted,     // the OS took every datagram
    partial,      // some were taken, then a call failed
    rejected,     // the first call failed: nothing was sent
    unsupported,  // this platform has no such path
};
std::string_view to_string(SendStatus status);

struct SendOutcome {
    SendStatus status = SendStatus::accepted;
    std::size_t datagrams = 0;  // datagrams the OS accepted (segments, for one segmented call)
    std::size_t bytes = 0;      // payload bytes accepted
    std::size_t syscalls = 0;   // OS calls made, including setsockopt
    std::size_t retries = 0;    // transient EAGAIN/ENOBUFS/WSAEWOULDBLOCK waits
    SysError error;             // the failure, when not accepted
    std::string failed_call;    // "sendmsg(UDP_SEGMENT=1400, 32 segments)"
};

struct ReceiveOutcome {
    std::size_t size = 0;  // bytes of the datagram (a coalesced batch arrives as one)
    bool timed_out = false;
    SysError error;
};

// One UDP socket. Not thread-safe; move-only. Blocking, with a bounded send timeout so no call
// can hang the probe.
class UdpSocket {
public:
    UdpSocket();
    ~UdpSocket();
    UdpSocket(UdpSocket&& other) noexcept;
    UdpSocket& operator=(UdpSocket&& other) noexcept;
    UdpSocket(const UdpSocket&) = delete;
    UdpSocket& operator=(const UdpSocket&) = delete;

    SysError open(Family family);
    bool is_open() const;
    void close();
    Family family() const;
    // The OS socket (a file descriptor, or a Winsock SOCKET) for the receive-side calls of
    // udp_receive.hpp, which live in their own files.
    std::intptr_t native_handle() const;

    SysError bind(const Endpoint& local);
    // Connecting an unconnected UDP socket sends nothing: it only picks the route, which tells
    // the source address (local_endpoint) and the path MTU. Connected to the destination of
    // set_destination and with no pinned source, sends name no address (plain send(), and
    // sendmsg/sendmmsg without msg_name): the kernel reuses the route it cached at connect,
    // as a streaming sender's connected socket does.
    SysError connect(const Endpoint& remote);
    std::optional<Endpoint> local_endpoint() const;
    // The route's MTU for a connected socket (Linux IP_MTU / IPV6_MTU); nullopt where unknown.
    std::optional<unsigned> path_mtu() const;
    SysError set_buffer_sizes(int send_bytes, int receive_bytes);

    // Asks the OS whether segmentation offload can be set on this socket (Linux: getsockopt
    // UDP_SEGMENT; Windows: getsockopt UDP_SEND_MSG_SIZE). No error means "the OS knows it".
    SysError query_segmentation() const;

    // Where later sends go and the source they pin (IP_PKTINFO / IPV6_PKTINFO), converted
    // once so the send loop does no parsing. An empty source sends without PKTINFO.
    SysError set_destination(const Endpoint& destination, const std::string& pinned_source = {});

    // Sends payload as datagrams of segment_size bytes (the last may be shorter) by the path.
    SendOutcome send(SendPath path, std::span<const std::byte> payload, std::size_t segment_size);

    // Waits up to timeout for one datagram. buffer should hold 65536 bytes.
    ReceiveOutcome receive(std::span<std::byte> buffer, std::chrono::milliseconds timeout);

private:
    struct State;
    std::unique_ptr<State> state_;
};

// The source address the OS picks for traffic to destination, and the route's MTU.
struct RouteFacts {
    std::optional<Endpoint> source;
    std::optional<unsigned> mtu;
    SysError error;
};
RouteFacts route_to(const Endpoint& destination);

// True when this host owns address now (a socket can bind to it).
bool host_owns_address(const std::string& address);

// CPU time (user + system) the calling thread has used.
std::chrono::microseconds thread_cpu_time();

// Bytes of IP + UDP header a datagram of this family carries (28 for IPv4, 48 for IPv6).
inline unsigned ip_udp_header_bytes(Family family) {
    return family == Family::ipv4 ? 28 : 48;
}

}  // namespace netdiag::platform::udp
