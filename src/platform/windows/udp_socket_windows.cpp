// The Winsock calls under the portable UDP socket: WSASendTo per datagram (WSASendMsg when the
// source is pinned), and UDP segmentation offload (USO) as a UDP_SEND_MSG_SIZE control message
// on WSASendMsg or as a socket option, each optionally pinning the source with IP_PKTINFO /
// IPV6_PKTINFO, the way streaming hosts send. Windows has no sendmmsg.
#include <mswsock.h>
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "netdiag/platform.hpp"
#include "platform/portable/control_messages.hpp"
#include "platform/portable/udp_socket_shim.hpp"

#ifndef UDP_SEND_MSG_SIZE
#define UDP_SEND_MSG_SIZE 2  // ws2ipdef.h of the Windows SDK; missing from mingw-w64's headers
#endif

namespace netdiag::platform::udp {
namespace {

constexpr DWORD kSendTimeoutMs = 1000;

constexpr std::size_t kControlSpace =
    WSA_CMSG_SPACE(sizeof(IN6_PKTINFO)) + WSA_CMSG_SPACE(sizeof(DWORD));

// The level and name of each portable option in Winsock (IP_MTU / IPV6_MTU on a connected
// socket: Windows 10 1703 and later).
constexpr OptionNames kWinsockOptions{.send_buffer = {SOL_SOCKET, SO_SNDBUF},
                                      .receive_buffer = {SOL_SOCKET, SO_RCVBUF},
                                      .path_mtu_v4 = {IPPROTO_IP, IP_MTU},
                                      .path_mtu_v6 = {IPPROTO_IPV6, IPV6_MTU},
                                      .segment_size = {IPPROTO_UDP, UDP_SEND_MSG_SIZE}};

int status(int rc) {
    return rc == 0 ? 0 : ::WSAGetLastError();
}

class WindowsUdpSocket final : public UdpSocketShim {
public:
    ~WindowsUdpSocket() override { close(); }

    int open(Family family) override {
        close();
        family_ = family;
        socket_ = ::WSASocketW(to_native_family(family), SOCK_DGRAM, IPPROTO_UDP, nullptr, 0,
                               WSA_FLAG_NO_HANDLE_INHERIT);
        if (socket_ == INVALID_SOCKET) return ::WSAGetLastError();
        const DWORD limit = kSendTimeoutMs;
        ::setsockopt(socket_, SOL_SOCKET, SO_SNDTIMEO, reinterpret_cast<const char*>(&limit),
                     sizeof limit);
        return 0;
    }
    void close() override {
        if (socket_ != INVALID_SOCKET) ::closesocket(socket_);
        socket_ = INVALID_SOCKET;
    }
    bool is_open() const override { return socket_ != INVALID_SOCKET; }
    std::intptr_t native_handle() const override { return static_cast<std::intptr_t>(socket_); }
    int bind(const SocketAddress& local) override {
        return status(::bind(socket_, local.get(), local.length));
    }
    int connect(const SocketAddress& remote) override {
        return status(::connect(socket_, remote.get(), remote.length));
    }
    int local_address(SocketAddress& local) const override {
        return status(::getsockname(socket_, local.get(), &local.length));
    }
    int set_option(SocketOption option, int value) override {
        const auto [level, name] = kWinsockOptions.of(option, family_);
        return status(::setsockopt(socket_, level, name, reinterpret_cast<const char*>(&value),
                                   sizeof value));
    }
    int get_option(SocketOption option, int& value) const override {
        const auto [level, name] = kWinsockOptions.of(option, family_);
        int length = sizeof value;
        return status(::getsockopt(socket_, level, name, reinterpret_cast<char*>(&value), &length));
    }
    void set_pinned_source(const SocketAddress& source) override {
        // Interface 0: Windows routes by the destination and sends from this address, or
        // refuses with WSAEINVAL when the host does not own it.
        pktinfo4_ = {};
        pktinfo6_ = {};
        if (family_ == Family::ipv4) {
            pktinfo4_.ipi_addr = reinterpret_cast<const sockaddr_in*>(source.get())->sin_addr;
        } else {
            pktinfo6_.ipi6_addr = reinterpret_cast<const sockaddr_in6*>(source.get())->sin6_addr;
        }
    }

    int invalid_argument() const override { return WSAEINVAL; }
    bool is_transient(int error) const override {
        return error == WSAEWOULDBLOCK || error == WSAENOBUFS;
    }
    void wait_for_queue_space(int) override { ::Sleep(1); }

    bool supports(SendPath path) const override { return path != SendPath::multi_message; }

    CallResult send_one(std::span<const std::byte> datagram, const SendTarget& target) override {
        cut(datagram, datagram.size());
        if (!target.pinned) return send_to(target);
        build_control(target, 0);
        return send_message(target);
    }

    CallResult send_many(std::span<const std::byte>, std::size_t, std::size_t, const SendTarget&,
                         std::size_t&) override {
        return {-1, WSAEOPNOTSUPP};  // never called: supports() says no
    }
    std::size_t max_messages_per_call() const override { return 1; }

    // One call for the whole batch, one WSABUF per datagram as streaming hosts build it.
    CallResult send_segmented(std::span<const std::byte> payload, std::size_t segment_size,
                              std::size_t cmsg_segment, const SendTarget& target) override {
        cut(payload, segment_size);
        if (cmsg_segment == 0 && !target.pinned) return send_to(target);
        build_control(target, static_cast<DWORD>(cmsg_segment));
        return send_message(target);
    }

    ReceiveOutcome receive(std::span<std::byte> buffer,
                           std::chrono::milliseconds timeout) override {
        ReceiveOutcome outcome;
        WSAPOLLFD entry{};
        entry.fd = socket_;
        entry.events = POLLRDNORM;
        const int ready = ::WSAPoll(&entry, 1, static_cast<INT>(timeout.count()));
        if (ready == 0) {
            outcome.timed_out = true;
            return outcome;
        }
        if (ready < 0) {
            outcome.error = last_socket_error();
            return outcome;
        }
        const int got = ::recv(socket_, reinterpret_cast<char*>(buffer.data()),
                               static_cast<int>(buffer.size()), 0);
        if (got < 0) {
            const int code = ::WSAGetLastError();
            if (code == WSAEMSGSIZE) {  // larger than the buffer: still one datagram, truncated
                outcome.size = buffer.size();
            } else if (code == WSAEWOULDBLOCK || code == WSAECONNRESET) {
                outcome.timed_out = true;  // ICMP port unreachable from an earlier send: read on
            } else {
                outcome.error = last_socket_error();
            }
            return outcome;
        }
        outcome.size = static_cast<std::size_t>(got);
        return outcome;
    }

    std::string_view segment_option_name() const override { return "UDP_SEND_MSG_SIZE"; }
    std::string per_datagram_call(const SendTarget& target) const override {
        return target.pinned ? "WSASendMsg(IP_PKTINFO)" : "WSASendTo";
    }
    std::string segmented_call(SendPath path, bool pinned) const override {
        return path == SendPath::segment_cmsg || pinned ? "WSASendMsg" : "WSASendTo";
    }

private:
    // One WSABUF per piece of `size` bytes (the last may be shorter).
    void cut(std::span<const std::byte> bytes, std::size_t size) {
        auto* base =
            reinterpret_cast<char*>(const_cast<std::byte*>(bytes.data()));  // never written
        const std::size_t count = (bytes.size() + size - 1) / size;
        buffers_.resize(count);
        for (std::size_t i = 0; i < count; ++i) {
            buffers_[i].buf = base + i * size;
            buffers_[i].len = static_cast<ULONG>(std::min(size, bytes.size() - i * size));
        }
    }

    // Fills control_ with PKTINFO (when pinned) and UDP_SEND_MSG_SIZE (when segment > 0).
    void build_control(const SendTarget& target, DWORD segment) {
        control_.clear();
        if (target.pinned && family_ == Family::ipv4) {
            control_.append(IPPROTO_IP, IP_PKTINFO, &pktinfo4_, sizeof pktinfo4_);
        } else if (target.pinned) {
            control_.append(IPPROTO_IPV6, IPV6_PKTINFO, &pktinfo6_, sizeof pktinfo6_);
        }
        if (segment > 0) control_.append(IPPROTO_UDP, UDP_SEND_MSG_SIZE, &segment, sizeof segment);
    }

    // One WSASendMsg of the buffers with the control messages built.
    CallResult send_message(const SendTarget& target) {
        WSAMSG message{};
        if (target.destination != nullptr) {
            message.name = const_cast<sockaddr*>(target.destination->get());
            message.namelen = target.destination->length;
        }
        message.lpBuffers = buffers_.data();
        message.dwBufferCount = static_cast<DWORD>(buffers_.size());
        message.Control.buf = control_.buffer();
        message.Control.len = static_cast<ULONG>(control_.used());
        DWORD sent = 0;
        if (::WSASendMsg(socket_, &message, 0, &sent, nullptr, nullptr) != 0) {
            return {-1, ::WSAGetLastError()};
        }
        return {static_cast<long>(sent), 0};
    }

    CallResult send_to(const SendTarget& target) {
        DWORD sent = 0;
        const sockaddr* name = target.destination ? target.destination->get() : nullptr;
        const int length = target.destination ? target.destination->length : 0;
        if (::WSASendTo(socket_, buffers_.data(), static_cast<DWORD>(buffers_.size()), &sent, 0,
                        name, length, nullptr, nullptr) != 0) {
            return {-1, ::WSAGetLastError()};
        }
        return {static_cast<long>(sent), 0};
    }

    SOCKET socket_ = INVALID_SOCKET;
    Family family_ = Family::ipv4;
    IN_PKTINFO pktinfo4_{};
    IN6_PKTINFO pktinfo6_{};
    std::vector<WSABUF> buffers_;
    ControlMessages<kControlSpace> control_;
};

}  // namespace

std::unique_ptr<UdpSocketShim> make_udp_socket_shim() {
    return std::make_unique<WindowsUdpSocket>();
}

const std::string_view native_send_calls[4] = {
    "WSASendTo/WSASendMsg per datagram", "sendmmsg (not on Windows)",
    "WSASendMsg + UDP_SEND_MSG_SIZE cmsg (USO)", "setsockopt(UDP_SEND_MSG_SIZE) + WSASendTo (USO)"};

std::vector<SendPath> available_send_paths() {
    return {SendPath::per_datagram, SendPath::segment_cmsg, SendPath::segment_sockopt};
}

std::chrono::microseconds thread_cpu_time() {
    FILETIME created{}, exited{}, kernel{}, user{};
    if (!::GetThreadTimes(::GetCurrentThread(), &created, &exited, &kernel, &user)) {
        return std::chrono::microseconds{0};
    }
    auto ticks = [](const FILETIME& t) {
        return (static_cast<unsigned long long>(t.dwHighDateTime) << 32) | t.dwLowDateTime;
    };
    return std::chrono::microseconds((ticks(kernel) + ticks(user)) / 10);  // 100 ns units
}

}  // namespace netdiag::platform::udp
