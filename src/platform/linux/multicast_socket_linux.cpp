// Multicast sockets on Linux: reuse options, group membership per interface, loopback sends
// and receives with the arrival interface (IP_PKTINFO / IPV6_RECVPKTINFO).
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "netdiag/multicast.hpp"
#include "netdiag/platform.hpp"
#include "platform/portable/udp_sockaddr.hpp"

namespace netdiag::platform::multicast {
namespace {

std::optional<udp::SocketAddress> socket_address(const std::string& address, std::uint16_t port,
                                                 Family family) {
    std::string text = address;
    if (text.empty()) text = family == Family::ipv4 ? "0.0.0.0" : "::";
    return udp::to_socket_address(udp::Endpoint{text, port});
}

SysError invalid_address() {
    return describe_native_error(EINVAL);
}

SysError set_int_option(int fd, int level, int name, int value) {
    if (setsockopt(fd, level, name, &value, sizeof value) != 0) return last_socket_error();
    return {};
}

}  // namespace

std::optional<Family> family_of(const std::string& address) {
    unsigned char buffer[sizeof(in6_addr)];
    if (inet_pton(AF_INET, address.c_str(), buffer) == 1) return Family::ipv4;
    if (inet_pton(AF_INET6, address.c_str(), buffer) == 1) return Family::ipv6;
    return std::nullopt;
}

bool is_multicast_address(const std::string& address) {
    in_addr v4{};
    if (inet_pton(AF_INET, address.c_str(), &v4) == 1) return IN_MULTICAST(ntohl(v4.s_addr));
    in6_addr v6{};
    if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) return IN6_IS_ADDR_MULTICAST(&v6);
    return false;
}

std::string describe(const BindMode& mode) {
    if (mode.exclusive) return "SO_EXCLUSIVEADDRUSE";
    if (mode.reuse_address && mode.reuse_port) return "SO_REUSEADDR+SO_REUSEPORT";
    if (mode.reuse_address) return "SO_REUSEADDR";
    if (mode.reuse_port) return "SO_REUSEPORT";
    return "no reuse";
}

PlatformTraits traits() {
    return {.has_reuse_port = true,
            .has_exclusive_address_use = false,
            .zenoh_binds_group_address = true,
            .reports_arrival_interface = true};
}

struct MulticastSocket::State {
    int fd = -1;
    Family family = Family::ipv4;
};

MulticastSocket::MulticastSocket() : state_(std::make_unique<State>()) {}
MulticastSocket::~MulticastSocket() {
    close();
}
MulticastSocket::MulticastSocket(MulticastSocket&& other) noexcept = default;
MulticastSocket& MulticastSocket::operator=(MulticastSocket&& other) noexcept {
    if (this != &other) {
        close();
        state_ = std::move(other.state_);
    }
    return *this;
}

SysError MulticastSocket::open(Family family) {
    close();
    if (!state_) state_ = std::make_unique<State>();
    state_->family = family;
    state_->fd = ::socket(family == Family::ipv4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC,
                          IPPROTO_UDP);
    if (state_->fd < 0) return last_socket_error();
    // Ask for the arrival interface with each datagram; failure only loses that detail.
    if (family == Family::ipv4) {
        (void)set_int_option(state_->fd, IPPROTO_IP, IP_PKTINFO, 1);
    } else {
        (void)set_int_option(state_->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
        (void)set_int_option(state_->fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    }
    return {};
}

bool MulticastSocket::is_open() const {
    return state_ && state_->fd >= 0;
}

void MulticastSocket::close() {
    if (state_ && state_->fd >= 0) {
        ::close(state_->fd);
        state_->fd = -1;
    }
}

SysError MulticastSocket::bind(const std::string& address, std::uint16_t port,
                               const BindMode& mode) {
    if (!is_open()) return describe_native_error(EBADF);
    const int fd = state_->fd;
    if (mode.reuse_address) {
        if (auto e = set_int_option(fd, SOL_SOCKET, SO_REUSEADDR, 1)) return e;
    }
    if (mode.reuse_port) {
        if (auto e = set_int_option(fd, SOL_SOCKET, SO_REUSEPORT, 1)) return e;
    }
    if (mode.exclusive) return describe_native_error(ENOPROTOOPT);  // a Windows-only option
    const auto sa = socket_address(address, port, state_->family);
    if (!sa) return invalid_address();
    if (::bind(fd, sa->get(), sa->length) != 0) return last_socket_error();
    return {};
}

std::optional<std::uint16_t> MulticastSocket::local_port() const {
    if (!is_open()) return std::nullopt;
    udp::SocketAddress sa;
    sa.length = sizeof sa.storage;
    if (getsockname(state_->fd, sa.get(), &sa.length) != 0) return std::nullopt;
    const auto endpoint = udp::to_endpoint(sa.get(), sa.length);
    if (!endpoint) return std::nullopt;
    return endpoint->port;
}

SysError MulticastSocket::join(const std::string& group, const InterfaceSelector& where) {
    if (!is_open()) return describe_native_error(EBADF);
    if (state_->family == Family::ipv4) {
        ip_mreq request{};
        if (inet_pton(AF_INET, group.c_str(), &request.imr_multiaddr) != 1) {
            return invalid_address();
        }
        request.imr_interface.s_addr = htonl(INADDR_ANY);
        if (!where.ipv4_address.empty() &&
            inet_pton(AF_INET, where.ipv4_address.c_str(), &request.imr_interface) != 1) {
            return invalid_address();
        }
        if (setsockopt(state_->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &request, sizeof request) != 0) {
            return last_socket_error();
        }
        return {};
    }
    ipv6_mreq request{};
    if (inet_pton(AF_INET6, group.c_str(), &request.ipv6mr_multiaddr) != 1) {
        return invalid_address();
    }
    request.ipv6mr_interface = where.index;
    if (setsockopt(state_->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &request, sizeof request) != 0) {
        return last_socket_error();
    }
    return {};
}

SysError MulticastSocket::set_outgoing_interface(const InterfaceSelector& where) {
    if (!is_open()) return describe_native_error(EBADF);
    if (state_->family == Family::ipv4) {
        in_addr address{};
        address.s_addr = htonl(INADDR_ANY);
        if (!where.ipv4_address.empty() &&
            inet_pton(AF_INET, where.ipv4_address.c_str(), &address) != 1) {
            return invalid_address();
        }
        if (setsockopt(state_->fd, IPPROTO_IP, IP_MULTICAST_IF, &address, sizeof address) != 0) {
            return last_socket_error();
        }
        return {};
    }
    const unsigned index = where.index;
    if (setsockopt(state_->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index) != 0) {
        return last_socket_error();
    }
    return {};
}

SysError MulticastSocket::set_hops(int hops) {
    if (!is_open()) return describe_native_error(EBADF);
    if (state_->family == Family::ipv4) {
        return set_int_option(state_->fd, IPPROTO_IP, IP_MULTICAST_TTL, hops);
    }
    return set_int_option(state_->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, hops);
}

SysError MulticastSocket::set_loopback(bool on) {
    if (!is_open()) return describe_native_error(EBADF);
    if (state_->family == Family::ipv4) {
        return set_int_option(state_->fd, IPPROTO_IP, IP_MULTICAST_LOOP, on ? 1 : 0);
    }
    return set_int_option(state_->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, on ? 1 : 0);
}

SysError MulticastSocket::send_to(const std::string& address, std::uint16_t port,
                                  std::span<const std::uint8_t> bytes) {
    if (!is_open()) return describe_native_error(EBADF);
    const auto sa = socket_address(address, port, state_->family);
    if (!sa) return invalid_address();
    const auto sent =
        ::sendto(state_->fd, bytes.data(), bytes.size(), MSG_DONTWAIT, sa->get(), sa->length);
    if (sent < 0) return last_socket_error();
    return {};
}

ReceiveResult MulticastSocket::receive(std::chrono::steady_clock::time_point deadline) {
    ReceiveResult result;
    if (!is_open()) {
        result.error = describe_native_error(EBADF);
        return result;
    }
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd p{state_->fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count())));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) {
            result.error = last_socket_error();
            return result;
        }
        if (ready == 0) {
            result.timed_out = true;
            return result;
        }
        break;
    }
    Datagram datagram;
    datagram.bytes.resize(65536);
    udp::SocketAddress from;
    iovec io{datagram.bytes.data(), datagram.bytes.size()};
    alignas(cmsghdr) unsigned char control[256];
    msghdr message{};
    message.msg_name = from.get();
    message.msg_namelen = sizeof from.storage;
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    const auto got = ::recvmsg(state_->fd, &message, MSG_DONTWAIT);
    if (got < 0) {
        result.error = last_socket_error();
        return result;
    }
    datagram.bytes.resize(static_cast<std::size_t>(got));
    if (const auto source = udp::to_endpoint(from.get(), message.msg_namelen)) {
        datagram.source_address = source->address;
        datagram.source_port = source->port;
    }
    for (auto* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info{};
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            datagram.arrival_interface = static_cast<unsigned>(info.ipi_ifindex);
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info{};
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            datagram.arrival_interface = info.ipi6_ifindex;
        }
    }
    result.datagram = std::move(datagram);
    return result;
}

}  // namespace netdiag::platform::multicast
