// The Linux calls under the portable UDP socket: sendto/send/sendmsg per datagram, sendmmsg, and
// UDP generic segmentation offload (UDP_SEGMENT) as a control message or a socket option, each
// optionally pinning the source with IP_PKTINFO / IPV6_PKTINFO the way streaming hosts do.
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "netdiag/platform.hpp"
#include "platform/portable/control_messages.hpp"
#include "platform/portable/udp_socket_shim.hpp"

namespace netdiag::platform::udp {
namespace {

constexpr int kTransientWaitMs = 2;
constexpr std::size_t kMaxMessagesPerSendmmsg = 1024;  // UIO_MAXIOV

// Control-message space for one PKTINFO and one UDP_SEGMENT.
constexpr std::size_t kControlSpace =
    CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(uint16_t));

// The level and name of each portable option on Linux.
constexpr OptionNames kLinuxOptions{.send_buffer = {SOL_SOCKET, SO_SNDBUF},
                                    .receive_buffer = {SOL_SOCKET, SO_RCVBUF},
                                    .path_mtu_v4 = {IPPROTO_IP, IP_MTU},
                                    .path_mtu_v6 = {IPPROTO_IPV6, IPV6_MTU},
                                    .segment_size = {SOL_UDP, UDP_SEGMENT}};

CallResult call_result(long rc) {
    return rc >= 0 ? CallResult{rc, 0} : CallResult{-1, errno};
}

class LinuxUdpSocket final : public UdpSocketShim {
public:
    ~LinuxUdpSocket() override { close(); }

    int open(Family family) override {
        close();
        family_ = family;
        fd_ = ::socket(to_native_family(family), SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
        if (fd_ < 0) return errno;
        timeval limit{1, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
        return 0;
    }
    void close() override {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    bool is_open() const override { return fd_ >= 0; }
    std::intptr_t native_handle() const override { return fd_; }
    int bind(const SocketAddress& local) override {
        return ::bind(fd_, local.get(), local.length) == 0 ? 0 : errno;
    }
    int connect(const SocketAddress& remote) override {
        return ::connect(fd_, remote.get(), remote.length) == 0 ? 0 : errno;
    }
    int local_address(SocketAddress& local) const override {
        return ::getsockname(fd_, local.get(), &local.length) == 0 ? 0 : errno;
    }
    int set_option(SocketOption option, int value) override {
        const auto [level, name] = kLinuxOptions.of(option, family_);
        return ::setsockopt(fd_, level, name, &value, sizeof value) == 0 ? 0 : errno;
    }
    int get_option(SocketOption option, int& value) const override {
        const auto [level, name] = kLinuxOptions.of(option, family_);
        socklen_t length = sizeof value;
        return ::getsockopt(fd_, level, name, &value, &length) == 0 ? 0 : errno;
    }
    void set_pinned_source(const SocketAddress& source) override {
        // The source goes in ipi_spec_dst with no interface: the kernel then routes by the
        // destination and uses this address, or refuses when the host does not own it.
        pktinfo4_ = {};
        pktinfo6_ = {};
        if (family_ == Family::ipv4) {
            pktinfo4_.ipi_spec_dst = reinterpret_cast<const sockaddr_in*>(source.get())->sin_addr;
        } else {
            pktinfo6_.ipi6_addr = reinterpret_cast<const sockaddr_in6*>(source.get())->sin6_addr;
        }
    }

    int invalid_argument() const override { return EINVAL; }
    bool is_transient(int error) const override {
        return error == EAGAIN || error == ENOBUFS || error == EINTR;
    }
    void wait_for_queue_space(int error) override {
        if (error == EINTR) return;
        pollfd entry{fd_, POLLOUT, 0};
        ::poll(&entry, 1, kTransientWaitMs);
    }

    bool supports(SendPath) const override { return true; }

    CallResult send_one(std::span<const std::byte> datagram, const SendTarget& target) override {
        if (target.pinned) {
            iovec vector = to_iovec(datagram);
            build_control(target, 0);
            const msghdr header = message(&vector, target);
            return call_result(::sendmsg(fd_, &header, 0));
        }
        if (target.destination == nullptr) {
            return call_result(::send(fd_, datagram.data(), datagram.size(), 0));
        }
        return call_result(::sendto(fd_, datagram.data(), datagram.size(), 0,
                                    target.destination->get(), target.destination->length));
    }

    CallResult send_many(std::span<const std::byte> payload, std::size_t segment_size,
                         std::size_t count, const SendTarget& target, std::size_t& bytes) override {
        build_control(target, 0);
        vectors_.resize(count);
        messages_.resize(count);
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t offset = i * segment_size;
            vectors_[i] =
                to_iovec(payload.subspan(offset, std::min(segment_size, payload.size() - offset)));
            messages_[i] = {message(&vectors_[i], target), 0};
        }
        const int rc = ::sendmmsg(fd_, messages_.data(), static_cast<unsigned>(count), 0);
        if (rc < 0) return {-1, errno};
        if (rc == 0) return {0, EAGAIN};
        for (int i = 0; i < rc; ++i) bytes += messages_[static_cast<std::size_t>(i)].msg_len;
        return {rc, 0};
    }
    std::size_t max_messages_per_call() const override { return kMaxMessagesPerSendmmsg; }

    CallResult send_segmented(std::span<const std::byte> payload, std::size_t,
                              std::size_t cmsg_segment, const SendTarget& target) override {
        iovec vector = to_iovec(payload);
        build_control(target, static_cast<std::uint16_t>(cmsg_segment));
        const msghdr header = message(&vector, target);
        return call_result(::sendmsg(fd_, &header, 0));
    }

    ReceiveOutcome receive(std::span<std::byte> buffer,
                           std::chrono::milliseconds timeout) override {
        ReceiveOutcome outcome;
        pollfd entry{fd_, POLLIN, 0};
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
        const ssize_t got = ::recv(fd_, buffer.data(), buffer.size(), MSG_TRUNC | MSG_DONTWAIT);
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

    std::string_view segment_option_name() const override { return "UDP_SEGMENT"; }
    std::string per_datagram_call(const SendTarget& target) const override {
        if (target.pinned) return "sendmsg(IP_PKTINFO)";
        return target.destination == nullptr ? "send" : "sendto";
    }
    std::string segmented_call(SendPath, bool) const override { return "sendmsg"; }

private:
    static iovec to_iovec(std::span<const std::byte> bytes) {
        // iovec wants non-const; the kernel never writes a send's buffers.
        return {const_cast<std::byte*>(bytes.data()), bytes.size()};
    }

    // Fills control_ with PKTINFO (when pinned) and UDP_SEGMENT (when segment > 0).
    void build_control(const SendTarget& target, std::uint16_t segment) {
        control_.clear();
        if (target.pinned && family_ == Family::ipv4) {
            control_.append(IPPROTO_IP, IP_PKTINFO, &pktinfo4_, sizeof pktinfo4_);
        } else if (target.pinned) {
            control_.append(IPPROTO_IPV6, IPV6_PKTINFO, &pktinfo6_, sizeof pktinfo6_);
        }
        if (segment > 0) control_.append(SOL_UDP, UDP_SEGMENT, &segment, sizeof segment);
    }

    msghdr message(iovec* vector, const SendTarget& target) {
        msghdr header{};
        if (target.destination != nullptr) {
            header.msg_name = const_cast<sockaddr*>(target.destination->get());
            header.msg_namelen = target.destination->length;
        }
        header.msg_iov = vector;
        header.msg_iovlen = 1;
        header.msg_control = control_.buffer();
        header.msg_controllen = control_.used();
        return header;
    }

    int fd_ = -1;
    Family family_ = Family::ipv4;
    in_pktinfo pktinfo4_{};
    in6_pktinfo pktinfo6_{};
    std::vector<mmsghdr> messages_;
    std::vector<iovec> vectors_;
    ControlMessages<kControlSpace> control_;
};

}  // namespace

std::unique_ptr<UdpSocketShim> make_udp_socket_shim() {
    return std::make_unique<LinuxUdpSocket>();
}

const std::string_view native_send_calls[4] = {"sendto/sendmsg per datagram", "sendmmsg",
                                               "sendmsg + UDP_SEGMENT cmsg (GSO)",
                                               "setsockopt(UDP_SEGMENT) + sendmsg (GSO)"};

std::vector<SendPath> available_send_paths() {
    return {SendPath::per_datagram, SendPath::multi_message, SendPath::segment_cmsg,
            SendPath::segment_sockopt};
}

std::chrono::microseconds thread_cpu_time() {
    timespec now{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return std::chrono::seconds(now.tv_sec) + std::chrono::duration_cast<std::chrono::microseconds>(
                                                  std::chrono::nanoseconds(now.tv_nsec));
}

}  // namespace netdiag::platform::udp
