// Windows UDP send paths: WSASendTo per datagram (WSASendMsg when the source is pinned), and
// UDP segmentation offload (USO) as a UDP_SEND_MSG_SIZE control message on WSASendMsg or as a
// socket option, each optionally pinning the source with IP_PKTINFO / IPV6_PKTINFO, the way
// streaming hosts send. Windows has no sendmmsg.
#include <mswsock.h>
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "netdiag/platform.hpp"
#include "netdiag/udp_send.hpp"
#include "platform/same_socket_address.hpp"
#include "udp_sockaddr_windows.hpp"

#ifndef UDP_SEND_MSG_SIZE
#define UDP_SEND_MSG_SIZE 2  // ws2ipdef.h of the Windows SDK; missing from mingw-w64's headers
#endif

namespace netdiag::platform::udp {
namespace {

constexpr int max_transient_retries = 50;
constexpr DWORD send_timeout_ms = 1000;

SysError invalid_argument() {
    return describe_native_error(WSAEINVAL);
}

bool is_transient(int code) {
    return code == WSAEWOULDBLOCK || code == WSAENOBUFS;
}

constexpr std::size_t control_space =
    WSA_CMSG_SPACE(sizeof(IN6_PKTINFO)) + WSA_CMSG_SPACE(sizeof(DWORD));

}  // namespace

std::string_view to_string(SendPath path) {
    switch (path) {
        case SendPath::per_datagram:
            return "per-datagram";
        case SendPath::multi_message:
            return "multi-message";
        case SendPath::segment_cmsg:
            return "segmentation-cmsg";
        case SendPath::segment_sockopt:
            return "segmentation-sockopt";
    }
    return "unknown";
}

std::string_view native_call(SendPath path) {
    switch (path) {
        case SendPath::per_datagram:
            return "WSASendTo/WSASendMsg per datagram";
        case SendPath::multi_message:
            return "sendmmsg (not on Windows)";
        case SendPath::segment_cmsg:
            return "WSASendMsg + UDP_SEND_MSG_SIZE cmsg (USO)";
        case SendPath::segment_sockopt:
            return "setsockopt(UDP_SEND_MSG_SIZE) + WSASendTo (USO)";
    }
    return "unknown";
}

std::vector<SendPath> available_send_paths() {
    return {SendPath::per_datagram, SendPath::segment_cmsg, SendPath::segment_sockopt};
}

std::string_view to_string(SendStatus status) {
    switch (status) {
        case SendStatus::accepted:
            return "accepted";
        case SendStatus::partial:
            return "partial";
        case SendStatus::rejected:
            return "rejected";
        case SendStatus::unsupported:
            return "unsupported";
    }
    return "unknown";
}

struct UdpSocket::State {
    SOCKET socket = INVALID_SOCKET;
    Family family = Family::ipv4;
    SocketAddress destination;
    bool has_destination = false;
    bool pinned = false;
    SocketAddress connected_to;
    bool connected = false;
    // Connected to the destination and nothing pinned: sends carry no address.
    bool sends_connected() const {
        return connected && !pinned && has_destination &&
               same_socket_address(connected_to, destination);
    }
    IN_PKTINFO pktinfo4{};
    IN6_PKTINFO pktinfo6{};
    DWORD segment_option = 0;  // the UDP_SEND_MSG_SIZE socket option currently set
    std::vector<WSABUF> buffers;
    alignas(WSACMSGHDR) char control[control_space] = {};

    // Fills control with PKTINFO (when pinned) and UDP_SEND_MSG_SIZE (when segment > 0);
    // returns the bytes used.
    std::size_t build_control(DWORD segment) {
        std::memset(control, 0, sizeof control);
        std::size_t used = 0;
        auto* cmsg = reinterpret_cast<WSACMSGHDR*>(control);
        if (pinned) {
            if (family == Family::ipv4) {
                cmsg->cmsg_level = IPPROTO_IP;
                cmsg->cmsg_type = IP_PKTINFO;
                cmsg->cmsg_len = WSA_CMSG_LEN(sizeof pktinfo4);
                std::memcpy(WSA_CMSG_DATA(cmsg), &pktinfo4, sizeof pktinfo4);
                used += WSA_CMSG_SPACE(sizeof pktinfo4);
            } else {
                cmsg->cmsg_level = IPPROTO_IPV6;
                cmsg->cmsg_type = IPV6_PKTINFO;
                cmsg->cmsg_len = WSA_CMSG_LEN(sizeof pktinfo6);
                std::memcpy(WSA_CMSG_DATA(cmsg), &pktinfo6, sizeof pktinfo6);
                used += WSA_CMSG_SPACE(sizeof pktinfo6);
            }
            cmsg = reinterpret_cast<WSACMSGHDR*>(control + used);
        }
        if (segment > 0) {
            cmsg->cmsg_level = IPPROTO_UDP;
            cmsg->cmsg_type = UDP_SEND_MSG_SIZE;
            cmsg->cmsg_len = WSA_CMSG_LEN(sizeof segment);
            std::memcpy(WSA_CMSG_DATA(cmsg), &segment, sizeof segment);
            used += WSA_CMSG_SPACE(sizeof segment);
        }
        return used;
    }

    bool set_segment_option(DWORD value, SendOutcome& outcome) {
        if (segment_option == value) return true;
        ++outcome.syscalls;
        if (::setsockopt(socket, IPPROTO_UDP, UDP_SEND_MSG_SIZE,
                         reinterpret_cast<const char*>(&value), sizeof value) != 0) {
            outcome.error = last_socket_error();
            outcome.failed_call = "setsockopt(UDP_SEND_MSG_SIZE=" + std::to_string(value) + ")";
            return false;
        }
        segment_option = value;
        return true;
    }

    // One WSASendMsg of the given buffers with control_bytes of control data; the bytes sent,
    // or -1 with the error in WSAGetLastError().
    long send_message(WSABUF* first, std::size_t count, std::size_t control_bytes) {
        WSAMSG message{};
        if (!sends_connected()) {
            message.name = destination.get();
            message.namelen = destination.length;
        }
        message.lpBuffers = first;
        message.dwBufferCount = static_cast<DWORD>(count);
        message.Control.buf = control_bytes > 0 ? control : nullptr;
        message.Control.len = static_cast<ULONG>(control_bytes);
        DWORD sent = 0;
        if (::WSASendMsg(socket, &message, 0, &sent, nullptr, nullptr) != 0) return -1;
        return static_cast<long>(sent);
    }

    long send_to(WSABUF* first, std::size_t count) {
        DWORD sent = 0;
        const bool bare = sends_connected();
        if (::WSASendTo(socket, first, static_cast<DWORD>(count), &sent, 0,
                        bare ? nullptr : destination.get(), bare ? 0 : destination.length, nullptr,
                        nullptr) != 0) {
            return -1;
        }
        return static_cast<long>(sent);
    }
};

UdpSocket::UdpSocket() : state_(std::make_unique<State>()) {}
UdpSocket::~UdpSocket() {
    close();
}
UdpSocket::UdpSocket(UdpSocket&& other) noexcept : state_(std::move(other.state_)) {
    other.state_ = std::make_unique<State>();
}
UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept {
    if (this != &other) {
        close();
        std::swap(state_, other.state_);
    }
    return *this;
}

SysError UdpSocket::open(Family family) {
    close();
    state_->family = family;
    state_->socket = ::WSASocketW(to_native_family(family), SOCK_DGRAM, IPPROTO_UDP, nullptr, 0,
                                  WSA_FLAG_NO_HANDLE_INHERIT);
    if (state_->socket == INVALID_SOCKET) return last_socket_error();
    const DWORD limit = send_timeout_ms;  // a send never blocks longer than this
    ::setsockopt(state_->socket, SOL_SOCKET, SO_SNDTIMEO, reinterpret_cast<const char*>(&limit),
                 sizeof limit);
    return {};
}

bool UdpSocket::is_open() const {
    return state_ && state_->socket != INVALID_SOCKET;
}

Family UdpSocket::family() const {
    return state_->family;
}

std::intptr_t UdpSocket::native_handle() const {
    return static_cast<std::intptr_t>(state_->socket);
}

void UdpSocket::close() {
    if (state_ && state_->socket != INVALID_SOCKET) {
        ::closesocket(state_->socket);
        state_->socket = INVALID_SOCKET;
        state_->segment_option = 0;
        state_->has_destination = false;
    }
}

SysError UdpSocket::bind(const Endpoint& local) {
    const auto native = to_socket_address(local);
    if (!native) return invalid_argument();
    if (::bind(state_->socket, native->get(), native->length) != 0) return last_socket_error();
    return {};
}

SysError UdpSocket::connect(const Endpoint& remote) {
    const auto native = to_socket_address(remote);
    if (!native) return invalid_argument();
    if (::connect(state_->socket, native->get(), native->length) != 0) return last_socket_error();
    state_->connected_to = *native;
    state_->connected = true;
    return {};
}

std::optional<Endpoint> UdpSocket::local_endpoint() const {
    SocketAddress local;
    local.length = sizeof local.storage;
    if (::getsockname(state_->socket, local.get(), &local.length) != 0) return std::nullopt;
    return to_endpoint(local.get(), local.length);
}

std::optional<unsigned> UdpSocket::path_mtu() const {
    // IP_MTU / IPV6_MTU on a connected socket: Windows 10 1703 and later.
    DWORD mtu = 0;
    int length = sizeof mtu;
    const bool v4 = state_->family == Family::ipv4;
    if (::getsockopt(state_->socket, v4 ? IPPROTO_IP : IPPROTO_IPV6, v4 ? IP_MTU : IPV6_MTU,
                     reinterpret_cast<char*>(&mtu), &length) != 0 ||
        mtu == 0) {
        return std::nullopt;
    }
    return static_cast<unsigned>(mtu);
}

SysError UdpSocket::set_buffer_sizes(int send_bytes, int receive_bytes) {
    if (send_bytes > 0 &&
        ::setsockopt(state_->socket, SOL_SOCKET, SO_SNDBUF,
                     reinterpret_cast<const char*>(&send_bytes), sizeof send_bytes) != 0) {
        return last_socket_error();
    }
    if (receive_bytes > 0 &&
        ::setsockopt(state_->socket, SOL_SOCKET, SO_RCVBUF,
                     reinterpret_cast<const char*>(&receive_bytes), sizeof receive_bytes) != 0) {
        return last_socket_error();
    }
    return {};
}

SysError UdpSocket::query_segmentation() const {
    DWORD value = 0;
    int length = sizeof value;
    if (::getsockopt(state_->socket, IPPROTO_UDP, UDP_SEND_MSG_SIZE,
                     reinterpret_cast<char*>(&value), &length) != 0) {
        return last_socket_error();
    }
    return {};
}

SysError UdpSocket::set_destination(const Endpoint& destination, const std::string& source) {
    const auto native = to_socket_address(destination);
    if (!native || destination.family() != state_->family) return invalid_argument();
    state_->destination = *native;
    state_->has_destination = true;
    state_->pinned = !source.empty();
    if (state_->pinned) {
        const auto pin = to_socket_address(Endpoint{source, 0});
        if (!pin || Endpoint{source, 0}.family() != state_->family) return invalid_argument();
        // Interface 0: Windows routes by the destination and sends from this address, or
        // refuses with WSAEINVAL when the host does not own it.
        state_->pktinfo4 = {};
        state_->pktinfo6 = {};
        if (state_->family == Family::ipv4) {
            state_->pktinfo4.ipi_addr = reinterpret_cast<const sockaddr_in*>(pin->get())->sin_addr;
        } else {
            state_->pktinfo6.ipi6_addr =
                reinterpret_cast<const sockaddr_in6*>(pin->get())->sin6_addr;
        }
    }
    return {};
}

SendOutcome UdpSocket::send(SendPath path, std::span<const std::byte> payload,
                            std::size_t segment_size) {
    SendOutcome outcome;
    State& s = *state_;
    if (path == SendPath::multi_message) {
        outcome.status = SendStatus::unsupported;
        return outcome;
    }
    if (!s.has_destination || segment_size == 0 || segment_size > 65535 || payload.empty()) {
        outcome.status = SendStatus::rejected;
        outcome.error = invalid_argument();
        outcome.failed_call = "send (no destination or bad segment size)";
        return outcome;
    }
    const std::size_t count = (payload.size() + segment_size - 1) / segment_size;
    auto* base = reinterpret_cast<char*>(const_cast<std::byte*>(payload.data()));  // never written
    s.buffers.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        s.buffers[i].buf = base + i * segment_size;
        s.buffers[i].len =
            static_cast<ULONG>(std::min(segment_size, payload.size() - i * segment_size));
    }
    auto finish = [&](bool ok) {
        outcome.status = ok ? SendStatus::accepted
                            : (outcome.datagrams == 0 ? SendStatus::rejected : SendStatus::partial);
        return outcome;
    };
    auto with_retries = [&](auto&& fn) -> long {
        for (;;) {
            ++outcome.syscalls;
            const long rc = fn();
            if (rc >= 0) return rc;
            if (!is_transient(::WSAGetLastError()) || outcome.retries >= max_transient_retries)
                return rc;
            ++outcome.retries;
            ::Sleep(1);
        }
    };

    const DWORD wanted_option =
        path == SendPath::segment_sockopt ? static_cast<DWORD>(segment_size) : 0;
    if (!s.set_segment_option(wanted_option, outcome)) return finish(false);

    if (path == SendPath::per_datagram) {
        const std::size_t control_bytes = s.build_control(0);
        for (std::size_t i = 0; i < count; ++i) {
            const long rc = with_retries([&] {
                return s.pinned ? s.send_message(&s.buffers[i], 1, control_bytes)
                                : s.send_to(&s.buffers[i], 1);
            });
            if (rc < 0) {
                outcome.error = last_socket_error();
                outcome.failed_call = s.pinned ? "WSASendMsg(IP_PKTINFO)" : "WSASendTo";
                return finish(false);
            }
            ++outcome.datagrams;
            outcome.bytes += static_cast<std::size_t>(rc);
        }
        return finish(true);
    }

    // One call for the whole batch, one WSABUF per datagram as streaming hosts build it.
    const DWORD segment = path == SendPath::segment_cmsg ? static_cast<DWORD>(segment_size) : 0;
    const std::size_t control_bytes = s.build_control(segment);
    const bool use_message = path == SendPath::segment_cmsg || s.pinned;
    const long rc = with_retries([&] {
        return use_message ? s.send_message(s.buffers.data(), count, control_bytes)
                           : s.send_to(s.buffers.data(), count);
    });
    if (rc < 0) {
        outcome.error = last_socket_error();
        outcome.failed_call =
            std::string(use_message ? "WSASendMsg(" : "WSASendTo(") +
            (path == SendPath::segment_cmsg ? "UDP_SEND_MSG_SIZE cmsg=" : "UDP_SEND_MSG_SIZE=") +
            std::to_string(segment_size) + ", " + std::to_string(count) + " segments" +
            (s.pinned ? ", IP_PKTINFO)" : ")");
        return finish(false);
    }
    outcome.bytes = static_cast<std::size_t>(rc);
    outcome.datagrams = (outcome.bytes + segment_size - 1) / segment_size;
    return finish(outcome.bytes == payload.size());
}

ReceiveOutcome UdpSocket::receive(std::span<std::byte> buffer, std::chrono::milliseconds timeout) {
    ReceiveOutcome outcome;
    WSAPOLLFD entry{};
    entry.fd = state_->socket;
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
    const int got = ::recv(state_->socket, reinterpret_cast<char*>(buffer.data()),
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
