// Linux UDP send paths: sendto/sendmsg per datagram, sendmmsg, and UDP generic segmentation
// offload (UDP_SEGMENT) as a control message or a socket option, each optionally pinning the
// source with IP_PKTINFO / IPV6_PKTINFO the way streaming hosts do.
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "../posix/udp_sockaddr_posix.hpp"
#include "netdiag/platform.hpp"
#include "netdiag/udp_send.hpp"
#include "platform/same_socket_address.hpp"

namespace netdiag::platform::udp {
namespace {

// Transient "try again" answers (queue full) are waited out a bounded number of times.
constexpr int max_transient_retries = 50;
constexpr int transient_wait_ms = 2;
constexpr std::size_t max_messages_per_call = 1024;  // UIO_MAXIOV

SysError invalid_argument() {
    return describe_native_error(EINVAL);
}

bool is_transient(int code) {
    return code == EAGAIN || code == ENOBUFS || code == EINTR;
}

// Control-message space for one PKTINFO and one UDP_SEGMENT.
constexpr std::size_t control_space =
    CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(uint16_t));

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
            return "sendto/sendmsg per datagram";
        case SendPath::multi_message:
            return "sendmmsg";
        case SendPath::segment_cmsg:
            return "sendmsg + UDP_SEGMENT cmsg (GSO)";
        case SendPath::segment_sockopt:
            return "setsockopt(UDP_SEGMENT) + sendmsg (GSO)";
    }
    return "unknown";
}

std::vector<SendPath> available_send_paths() {
    return {SendPath::per_datagram, SendPath::multi_message, SendPath::segment_cmsg,
            SendPath::segment_sockopt};
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
    int fd = -1;
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
    in_pktinfo pktinfo4{};
    in6_pktinfo pktinfo6{};
    int segment_option = 0;  // the UDP_SEGMENT socket option currently set
    std::vector<mmsghdr> messages;
    std::vector<iovec> vectors;
    alignas(cmsghdr) unsigned char control[control_space] = {};

    // Fills control with PKTINFO (when pinned) and UDP_SEGMENT (when segment > 0); returns the
    // bytes used.
    std::size_t build_control(std::uint16_t segment) {
        std::memset(control, 0, sizeof control);
        msghdr header{};
        header.msg_control = control;
        header.msg_controllen = sizeof control;
        std::size_t used = 0;
        cmsghdr* cmsg = CMSG_FIRSTHDR(&header);
        if (pinned) {
            if (family == Family::ipv4) {
                cmsg->cmsg_level = IPPROTO_IP;
                cmsg->cmsg_type = IP_PKTINFO;
                cmsg->cmsg_len = CMSG_LEN(sizeof pktinfo4);
                std::memcpy(CMSG_DATA(cmsg), &pktinfo4, sizeof pktinfo4);
                used += CMSG_SPACE(sizeof pktinfo4);
            } else {
                cmsg->cmsg_level = IPPROTO_IPV6;
                cmsg->cmsg_type = IPV6_PKTINFO;
                cmsg->cmsg_len = CMSG_LEN(sizeof pktinfo6);
                std::memcpy(CMSG_DATA(cmsg), &pktinfo6, sizeof pktinfo6);
                used += CMSG_SPACE(sizeof pktinfo6);
            }
            cmsg = CMSG_NXTHDR(&header, cmsg);
        }
        if (segment > 0) {
            cmsg->cmsg_level = SOL_UDP;
            cmsg->cmsg_type = UDP_SEGMENT;
            cmsg->cmsg_len = CMSG_LEN(sizeof segment);
            std::memcpy(CMSG_DATA(cmsg), &segment, sizeof segment);
            used += CMSG_SPACE(sizeof segment);
        }
        return used;
    }

    msghdr message(iovec* vector, std::size_t control_bytes) {
        msghdr header{};
        if (!sends_connected()) {
            header.msg_name = destination.get();
            header.msg_namelen = destination.length;
        }
        header.msg_iov = vector;
        header.msg_iovlen = 1;
        header.msg_control = control_bytes > 0 ? control : nullptr;
        header.msg_controllen = control_bytes;
        return header;
    }

    // Waits briefly for send-queue space after a transient error.
    void wait_writable() const {
        pollfd entry{fd, POLLOUT, 0};
        ::poll(&entry, 1, transient_wait_ms);
    }

    bool set_segment_option(int value, SendOutcome& outcome) {
        if (segment_option == value) return true;
        ++outcome.syscalls;
        if (::setsockopt(fd, SOL_UDP, UDP_SEGMENT, &value, sizeof value) != 0) {
            outcome.error = last_socket_error();
            outcome.failed_call = "setsockopt(UDP_SEGMENT=" + std::to_string(value) + ")";
            return false;
        }
        segment_option = value;
        return true;
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
    state_->fd = ::socket(to_native_family(family), SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
    if (state_->fd < 0) return last_socket_error();
    // A send never blocks longer than this, whatever the queue does.
    timeval limit{1, 0};
    ::setsockopt(state_->fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    return {};
}

bool UdpSocket::is_open() const {
    return state_ && state_->fd >= 0;
}

Family UdpSocket::family() const {
    return state_->family;
}

std::intptr_t UdpSocket::native_handle() const {
    return state_->fd;
}

void UdpSocket::close() {
    if (state_ && state_->fd >= 0) {
        ::close(state_->fd);
        state_->fd = -1;
        state_->segment_option = 0;
        state_->has_destination = false;
    }
}

SysError UdpSocket::bind(const Endpoint& local) {
    const auto native = to_socket_address(local);
    if (!native) return invalid_argument();
    if (::bind(state_->fd, native->get(), native->length) != 0) return last_socket_error();
    return {};
}

SysError UdpSocket::connect(const Endpoint& remote) {
    const auto native = to_socket_address(remote);
    if (!native) return invalid_argument();
    if (::connect(state_->fd, native->get(), native->length) != 0) return last_socket_error();
    state_->connected_to = *native;
    state_->connected = true;
    return {};
}

std::optional<Endpoint> UdpSocket::local_endpoint() const {
    SocketAddress local;
    local.length = sizeof local.storage;
    if (::getsockname(state_->fd, local.get(), &local.length) != 0) return std::nullopt;
    return to_endpoint(local.get(), local.length);
}

std::optional<unsigned> UdpSocket::path_mtu() const {
    int mtu = 0;
    socklen_t length = sizeof mtu;
    const bool v4 = state_->family == Family::ipv4;
    if (::getsockopt(state_->fd, v4 ? IPPROTO_IP : IPPROTO_IPV6, v4 ? IP_MTU : IPV6_MTU, &mtu,
                     &length) != 0 ||
        mtu <= 0) {
        return std::nullopt;
    }
    return static_cast<unsigned>(mtu);
}

SysError UdpSocket::set_buffer_sizes(int send_bytes, int receive_bytes) {
    if (send_bytes > 0 &&
        ::setsockopt(state_->fd, SOL_SOCKET, SO_SNDBUF, &send_bytes, sizeof send_bytes) != 0) {
        return last_socket_error();
    }
    if (receive_bytes > 0 && ::setsockopt(state_->fd, SOL_SOCKET, SO_RCVBUF, &receive_bytes,
                                          sizeof receive_bytes) != 0) {
        return last_socket_error();
    }
    return {};
}

SysError UdpSocket::query_segmentation() const {
    int value = 0;
    socklen_t length = sizeof value;
    if (::getsockopt(state_->fd, SOL_UDP, UDP_SEGMENT, &value, &length) != 0) {
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
        // The source goes in ipi_spec_dst with no interface: the kernel then routes by the
        // destination and uses this address, or refuses when the host does not own it.
        state_->pktinfo4 = {};
        state_->pktinfo6 = {};
        if (state_->family == Family::ipv4) {
            state_->pktinfo4.ipi_spec_dst =
                reinterpret_cast<const sockaddr_in*>(pin->get())->sin_addr;
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
    if (!s.has_destination || segment_size == 0 || segment_size > 65535 || payload.empty()) {
        outcome.status = SendStatus::rejected;
        outcome.error = invalid_argument();
        outcome.failed_call = "send (no destination or bad segment size)";
        return outcome;
    }
    const std::size_t count = (payload.size() + segment_size - 1) / segment_size;
    auto* base = const_cast<std::byte*>(payload.data());  // iovec wants non-const; never written
    auto finish = [&](bool ok) {
        if (ok) {
            outcome.status = SendStatus::accepted;
        } else {
            outcome.status = outcome.datagrams == 0 ? SendStatus::rejected : SendStatus::partial;
        }
        return outcome;
    };
    // Calls fn until it succeeds or fails for a reason other than a full queue.
    auto with_retries = [&](auto&& fn) -> long {
        for (;;) {
            ++outcome.syscalls;
            const long rc = fn();
            if (rc >= 0) return rc;
            const int code = errno;
            if (!is_transient(code) || outcome.retries >= max_transient_retries) return rc;
            ++outcome.retries;
            if (code != EINTR) s.wait_writable();
        }
    };

    const int wanted_option =
        path == SendPath::segment_sockopt ? static_cast<int>(segment_size) : 0;
    if (!s.set_segment_option(wanted_option, outcome)) return finish(false);

    if (path == SendPath::per_datagram) {
        const std::size_t control_bytes = s.build_control(0);
        const bool connected = s.sends_connected();
        for (std::size_t i = 0; i < count; ++i) {
            iovec vector{base + i * segment_size,
                         std::min(segment_size, payload.size() - i * segment_size)};
            const msghdr header = s.message(&vector, control_bytes);
            const long rc = with_retries([&] {
                if (s.pinned) return ::sendmsg(s.fd, &header, 0);
                if (connected) return ::send(s.fd, vector.iov_base, vector.iov_len, 0);
                return ::sendto(s.fd, vector.iov_base, vector.iov_len, 0, s.destination.get(),
                                s.destination.length);
            });
            if (rc < 0) {
                outcome.error = last_socket_error();
                outcome.failed_call = s.pinned    ? "sendmsg(IP_PKTINFO)"
                                      : connected ? "send"
                                                  : "sendto";
                return finish(false);
            }
            ++outcome.datagrams;
            outcome.bytes += static_cast<std::size_t>(rc);
        }
        return finish(true);
    }

    if (path == SendPath::multi_message) {
        const std::size_t control_bytes = s.build_control(0);
        s.vectors.resize(count);
        s.messages.resize(count);
        for (std::size_t i = 0; i < count; ++i) {
            s.vectors[i] = {base + i * segment_size,
                            std::min(segment_size, payload.size() - i * segment_size)};
            s.messages[i] = {s.message(&s.vectors[i], control_bytes), 0};
        }
        std::size_t done = 0;
        while (done < count) {
            const auto batch = static_cast<unsigned>(std::min(count - done, max_messages_per_call));
            const long rc =
                with_retries([&] { return ::sendmmsg(s.fd, &s.messages[done], batch, 0); });
            if (rc <= 0) {
                outcome.error = rc == 0 ? describe_native_error(EAGAIN) : last_socket_error();
                outcome.failed_call = "sendmmsg(" + std::to_string(batch) + " messages)";
                return finish(false);
            }
            for (long i = 0; i < rc; ++i) outcome.bytes += s.messages[done + i].msg_len;
            done += static_cast<std::size_t>(rc);
            outcome.datagrams = done;
        }
        return finish(true);
    }

    if (path == SendPath::segment_cmsg || path == SendPath::segment_sockopt) {
        const auto segment = path == SendPath::segment_cmsg
                                 ? static_cast<std::uint16_t>(segment_size)
                                 : std::uint16_t{0};
        const std::size_t control_bytes = s.build_control(segment);
        iovec vector{base, payload.size()};
        const msghdr header = s.message(&vector, control_bytes);
        const long rc = with_retries([&] { return ::sendmsg(s.fd, &header, 0); });
        if (rc < 0) {
            outcome.error = last_socket_error();
            outcome.failed_call =
                std::string("sendmsg(") +
                (path == SendPath::segment_cmsg ? "UDP_SEGMENT cmsg=" : "UDP_SEGMENT=") +
                std::to_string(segment_size) + ", " + std::to_string(count) + " segments" +
                (s.pinned ? ", IP_PKTINFO)" : ")");
            return finish(false);
        }
        outcome.bytes = static_cast<std::size_t>(rc);
        outcome.datagrams = (outcome.bytes + segment_size - 1) / segment_size;
        return finish(outcome.bytes == payload.size());
    }

    outcome.status = SendStatus::unsupported;
    return outcome;
}

ReceiveOutcome UdpSocket::receive(std::span<std::byte> buffer, std::chrono::milliseconds timeout) {
    ReceiveOutcome outcome;
    pollfd entry{state_->fd, POLLIN, 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(timeout.count()));
    if (ready == 0 || (ready < 0 && errno == EINTR)) {
        outcome.timed_out = true;
        return outcome;
    }
    if (ready < 0) {
        outcome.error = last_socket_error();
        return outcome;
    }
    // MSG_TRUNC makes recv return the datagram's real length even if the buffer was short.
    const ssize_t got = ::recv(state_->fd, buffer.data(), buffer.size(), MSG_TRUNC | MSG_DONTWAIT);
    if (got < 0) {
        if (errno == EAGAIN || errno == EINTR) {
            outcome.timed_out = true;
        } else {
            outcome.error = last_socket_error();
        }
        return outcome;
    }
    outcome.size = static_cast<std::size_t>(got);
    return outcome;
}

std::chrono::microseconds thread_cpu_time() {
    timespec now{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return std::chrono::seconds(now.tv_sec) + std::chrono::duration_cast<std::chrono::microseconds>(
                                                  std::chrono::nanoseconds(now.tv_nsec));
}

}  // namespace netdiag::platform::udp
