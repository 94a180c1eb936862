// Linux receive-side UDP calls: ECN marks through IP_RECVTOS / IPV6_RECVTCLASS (sent with an
// IP_TOS / IPV6_TCLASS control message), and receive coalescing through UDP_GRO, whose control
// message carries the segment size of a coalesced read.
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "netdiag/platform.hpp"
#include "netdiag/udp_receive.hpp"
#include "platform/portable/control_messages.hpp"
#include "platform/portable/udp_ecn_send.hpp"
#include "platform/portable/udp_receive_names.hpp"
#include "platform/portable/udp_sockaddr.hpp"

#ifndef UDP_GRO
#define UDP_GRO 104  // linux/udp.h; older C libraries' netinet/udp.h lack it
#endif

namespace netdiag::platform::udp {
namespace receive_linux {

int fd_of(const UdpSocket& socket) {
    return static_cast<int>(socket.native_handle());
}

bool is_v4(const UdpSocket& socket) {
    return socket.family() == Family::ipv4;
}

// An int control message as the kernel writes it; IP_TOS comes as one byte on receive.
int cmsg_int(const cmsghdr* cmsg) {
    if (cmsg->cmsg_len >= CMSG_LEN(sizeof(int))) {
        int value = 0;
        std::memcpy(&value, CMSG_DATA(cmsg), sizeof value);
        return value;
    }
    unsigned char byte = 0;
    std::memcpy(&byte, CMSG_DATA(cmsg), sizeof byte);
    return byte;
}

SysError set_on(const UdpSocket& socket, int level, int name) {
    const int on = 1;
    if (::setsockopt(fd_of(socket), level, name, &on, sizeof on) != 0) return last_socket_error();
    return {};
}

}  // namespace receive_linux

SysError enable_ecn_receive(UdpSocket& socket) {
    const bool v4 = receive_linux::is_v4(socket);
    return receive_linux::set_on(socket, v4 ? IPPROTO_IP : IPPROTO_IPV6,
                                 v4 ? IP_RECVTOS : IPV6_RECVTCLASS);
}

SysError enable_receive_coalescing(UdpSocket& socket, std::size_t /*max_bytes*/) {
    // UDP_GRO is on or off; the kernel bounds a coalesced read at 64 KiB itself.
    return receive_linux::set_on(socket, SOL_UDP, UDP_GRO);
}

CallResult send_ecn_datagram(UdpSocket& socket, const SocketAddress& destination,
                             std::span<const std::byte> payload, std::uint8_t ecn) {
    const bool v4 = receive_linux::is_v4(socket);
    const int value = ecn;
    ControlMessages<CMSG_SPACE(sizeof(int))> control;
    control.append(v4 ? IPPROTO_IP : IPPROTO_IPV6, v4 ? IP_TOS : IPV6_TCLASS, &value, sizeof value);
    iovec vector{const_cast<std::byte*>(payload.data()), payload.size()};  // never written
    msghdr message{};
    message.msg_name = const_cast<sockaddr*>(destination.get());
    message.msg_namelen = destination.length;
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control.buffer();
    message.msg_controllen = control.used();
    const ssize_t sent = ::sendmsg(receive_linux::fd_of(socket), &message, 0);
    return sent < 0 ? CallResult{-1, errno} : CallResult{static_cast<long>(sent), 0};
}

ReceivedMessage receive_message(UdpSocket& socket, std::span<std::byte> buffer,
                                std::chrono::milliseconds timeout) {
    ReceivedMessage received;
    pollfd entry{receive_linux::fd_of(socket), POLLIN, 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(timeout.count()));
    if (ready == 0 || (ready < 0 && errno == EINTR)) {
        received.timed_out = true;
        return received;
    }
    if (ready < 0) {
        received.error = last_socket_error();
        return received;
    }
    alignas(cmsghdr) unsigned char control[CMSG_SPACE(sizeof(int)) * 4] = {};
    iovec vector{buffer.data(), buffer.size()};
    msghdr message{};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    // MSG_TRUNC: the datagram's real length even when the buffer was short.
    const ssize_t got = ::recvmsg(receive_linux::fd_of(socket), &message, MSG_TRUNC | MSG_DONTWAIT);
    if (got < 0) {
        if (errno == EAGAIN || errno == EINTR) {
            received.timed_out = true;
        } else {
            received.error = last_socket_error();
        }
        return received;
    }
    received.size = static_cast<std::size_t>(got);
    for (cmsghdr* cmsg = CMSG_FIRSTHDR(&message); cmsg != nullptr;
         cmsg = CMSG_NXTHDR(&message, cmsg)) {
        if ((cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_TOS) ||
            (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_TCLASS)) {
            received.ecn = static_cast<std::uint8_t>(receive_linux::cmsg_int(cmsg) & 0b11);
        } else if (cmsg->cmsg_level == SOL_UDP && cmsg->cmsg_type == UDP_GRO) {
            received.segment_size = static_cast<std::size_t>(receive_linux::cmsg_int(cmsg));
        }
    }
    return received;
}

const ReceiveStack native_receive_stack = ReceiveStack::linux_kernel;
const EcnSendCall native_ecn_send_call = {.name = "sendmsg", .invalid_argument = EINVAL};

}  // namespace netdiag::platform::udp
