// The Linux calls under the portable multicast socket: SO_REUSEPORT (no SO_EXCLUSIVEADDRUSE),
// int options, poll with a deadline, and recvmsg with the arrival interface (IP_PKTINFO /
// IPV6_RECVPKTINFO).
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "netdiag/multicast.hpp"
#include "platform/portable/multicast_socket_shim.hpp"

namespace netdiag::platform::multicast {
namespace {

class LinuxMulticastSocket final : public MulticastSocketShim {
public:
    ~LinuxMulticastSocket() override { close(); }

    int open(Family family) override {
        close();
        fd_ = ::socket(family == Family::ipv4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC,
                       IPPROTO_UDP);
        if (fd_ < 0) return errno;
        // Ask for the arrival interface with each datagram; failure only loses that detail.
        if (family == Family::ipv4) {
            (void)set_int({IPPROTO_IP, IP_PKTINFO}, 1);
        } else {
            (void)set_int({IPPROTO_IPV6, IPV6_RECVPKTINFO}, 1);
            (void)set_int({IPPROTO_IPV6, IPV6_V6ONLY}, 1);
        }
        return 0;
    }
    void close() override {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    bool is_open() const override { return fd_ >= 0; }

    std::optional<OptionName> reuse_option(ReuseOption option) const override {
        switch (option) {
            case ReuseOption::reuse_address:
                return OptionName{SOL_SOCKET, SO_REUSEADDR};
            case ReuseOption::reuse_port:
                return OptionName{SOL_SOCKET, SO_REUSEPORT};
            case ReuseOption::exclusive_address_use:
                break;  // a Windows-only option
        }
        return std::nullopt;
    }
    int set_int(OptionName option, int value) override {
        return set_bytes(option, &value, sizeof value);
    }
    int set_bytes(OptionName option, const void* value, std::size_t size) override {
        const auto length = static_cast<socklen_t>(size);
        return ::setsockopt(fd_, option.level, option.name, value, length) == 0 ? 0 : errno;
    }

    int bind(const udp::SocketAddress& local) override {
        return ::bind(fd_, local.get(), local.length) == 0 ? 0 : errno;
    }
    int local_address(udp::SocketAddress& local) const override {
        return ::getsockname(fd_, local.get(), &local.length) == 0 ? 0 : errno;
    }
    int send_to(std::span<const std::uint8_t> bytes, const udp::SocketAddress& to) override {
        const auto sent =
            ::sendto(fd_, bytes.data(), bytes.size(), MSG_DONTWAIT, to.get(), to.length);
        return sent < 0 ? errno : 0;
    }
    WaitResult wait_readable(std::chrono::milliseconds timeout) override {
        pollfd entry{fd_, POLLIN, 0};
        const int ready = ::poll(&entry, 1, static_cast<int>(timeout.count()));
        if (ready > 0) return {WaitResult::State::readable, 0};
        if (ready == 0) return {WaitResult::State::timed_out, 0};
        if (errno == EINTR) return {WaitResult::State::interrupted, EINTR};
        return {WaitResult::State::failed, errno};
    }
    ReceiveCall receive(std::span<std::uint8_t> buffer) override {
        ReceiveCall call;
        iovec io{buffer.data(), buffer.size()};
        alignas(cmsghdr) unsigned char control[256];
        msghdr message{};
        message.msg_name = call.from.get();
        message.msg_namelen = sizeof call.from.storage;
        message.msg_iov = &io;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        const auto got = ::recvmsg(fd_, &message, MSG_DONTWAIT);
        if (got < 0) {
            call.error = errno;
            return call;
        }
        call.size = static_cast<std::size_t>(got);
        call.from.length = message.msg_namelen;
        call.arrival_interface = arrival_interface(message);
        return call;
    }

    int not_open() const override { return EBADF; }
    int invalid_argument() const override { return EINVAL; }
    int no_such_option() const override { return ENOPROTOOPT; }

private:
    static unsigned arrival_interface(msghdr& message) {
        unsigned index = 0;
        for (auto* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                in_pktinfo info{};
                std::memcpy(&info, CMSG_DATA(c), sizeof info);
                index = static_cast<unsigned>(info.ipi_ifindex);
            } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
                in6_pktinfo info{};
                std::memcpy(&info, CMSG_DATA(c), sizeof info);
                index = info.ipi6_ifindex;
            }
        }
        return index;
    }

    int fd_ = -1;
};

}  // namespace

std::unique_ptr<MulticastSocketShim> make_multicast_socket_shim() {
    return std::make_unique<LinuxMulticastSocket>();
}

PlatformTraits traits() {
    return {.has_reuse_port = true,
            .has_exclusive_address_use = false,
            .zenoh_binds_group_address = true,
            .reports_arrival_interface = true};
}

}  // namespace netdiag::platform::multicast
