// Windows receive-side UDP calls: ECN marks through IP_RECVECN / IPV6_RECVECN (sent with an
// IP_ECN / IPV6_ECN control message on WSASendMsg, read back from WSARecvMsg), and receive
// coalescing (URO) through UDP_RECV_MAX_COALESCED_SIZE, whose UDP_COALESCED_INFO control
// message carries the segment size of a coalesced read. Documented from Windows 10 build 20348
// (ECN) and Windows 11 (URO); mingw-w64's headers lack most of the names.
#include <mswsock.h>
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include <cstring>
#include <string>

#include "netdiag/platform.hpp"
#include "netdiag/udp_receive.hpp"
#include "platform/portable/control_messages.hpp"
#include "platform/portable/udp_ecn_send.hpp"
#include "platform/portable/udp_receive_names.hpp"
#include "platform/portable/udp_sockaddr.hpp"

namespace netdiag::platform::udp {
namespace receive_windows {

// ws2ipdef.h of the Windows SDK: one value serves as the option and the control message type.
constexpr int kIpRecvEcn = 50;               // IP_RECVECN / IPV6_RECVECN
constexpr int kIpEcn = 50;                   // IP_ECN / IPV6_ECN
constexpr int kUdpRecvMaxCoalescedSize = 3;  // UDP_RECV_MAX_COALESCED_SIZE
constexpr int kUdpCoalescedInfo = 3;         // UDP_COALESCED_INFO

SOCKET socket_of(const UdpSocket& socket) {
    return static_cast<SOCKET>(socket.native_handle());
}

int ip_level(const UdpSocket& socket) {
    return socket.family() == Family::ipv4 ? IPPROTO_IP : IPPROTO_IPV6;
}

DWORD cmsg_dword(const WSACMSGHDR* cmsg) {
    DWORD value = 0;
    if (cmsg->cmsg_len >= WSA_CMSG_LEN(sizeof value))
        std::memcpy(&value, WSA_CMSG_DATA(cmsg), sizeof value);
    return value;
}

// WSARecvMsg is an extension function: its address comes from the socket's provider.
LPFN_WSARECVMSG receive_function(SOCKET socket) {
    GUID id = WSAID_WSARECVMSG;
    LPFN_WSARECVMSG function = nullptr;
    DWORD bytes = 0;
    if (::WSAIoctl(socket, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof id, &function,
                   sizeof function, &bytes, nullptr, nullptr) != 0) {
        return nullptr;
    }
    return function;
}

SysError set_dword(const UdpSocket& socket, int level, int name, DWORD value) {
    if (::setsockopt(socket_of(socket), level, name, reinterpret_cast<const char*>(&value),
                     sizeof value) != 0) {
        return last_socket_error();
    }
    return {};
}

}  // namespace receive_windows

SysError enable_ecn_receive(UdpSocket& socket) {
    // TRUE, as WSASetRecvIPEcn sets it.
    return receive_windows::set_dword(socket, receive_windows::ip_level(socket),
                                      receive_windows::kIpRecvEcn, TRUE);
}

SysError enable_receive_coalescing(UdpSocket& socket, std::size_t max_bytes) {
    return receive_windows::set_dword(socket, IPPROTO_UDP,
                                      receive_windows::kUdpRecvMaxCoalescedSize,
                                      static_cast<DWORD>(max_bytes));
}

CallResult send_ecn_datagram(UdpSocket& socket, const SocketAddress& destination,
                             std::span<const std::byte> payload, std::uint8_t ecn) {
    const INT value = ecn;
    ControlMessages<WSA_CMSG_SPACE(sizeof(INT))> control;
    control.append(receive_windows::ip_level(socket), receive_windows::kIpEcn, &value,
                   sizeof value);
    WSABUF buffer{static_cast<ULONG>(payload.size()),
                  reinterpret_cast<char*>(const_cast<std::byte*>(payload.data()))};  // read only
    WSAMSG message{};
    message.name = const_cast<sockaddr*>(destination.get());
    message.namelen = destination.length;
    message.lpBuffers = &buffer;
    message.dwBufferCount = 1;
    message.Control.buf = control.buffer();
    message.Control.len = static_cast<ULONG>(control.used());
    DWORD sent = 0;
    if (::WSASendMsg(receive_windows::socket_of(socket), &message, 0, &sent, nullptr, nullptr) !=
        0) {
        return {-1, ::WSAGetLastError()};
    }
    return {static_cast<long>(sent), 0};
}

ReceivedMessage receive_message(UdpSocket& socket, std::span<std::byte> buffer,
                                std::chrono::milliseconds timeout) {
    ReceivedMessage received;
    const SOCKET handle = receive_windows::socket_of(socket);
    const auto receive = receive_windows::receive_function(handle);
    if (receive == nullptr) {
        received.error = last_socket_error();
        return received;
    }
    WSAPOLLFD entry{};
    entry.fd = handle;
    entry.events = POLLRDNORM;
    const int ready = ::WSAPoll(&entry, 1, static_cast<INT>(timeout.count()));
    if (ready == 0) {
        received.timed_out = true;
        return received;
    }
    if (ready < 0) {
        received.error = last_socket_error();
        return received;
    }
    alignas(WSACMSGHDR) char control[WSA_CMSG_SPACE(sizeof(IN6_PKTINFO)) * 4] = {};
    WSABUF data{static_cast<ULONG>(buffer.size()), reinterpret_cast<char*>(buffer.data())};
    WSAMSG message{};
    message.lpBuffers = &data;
    message.dwBufferCount = 1;
    message.Control.buf = control;
    message.Control.len = sizeof control;
    DWORD got = 0;
    if (receive(handle, &message, &got, nullptr, nullptr) != 0) {
        const int code = ::WSAGetLastError();
        if (code == WSAEMSGSIZE) {  // larger than the buffer: still one datagram, truncated
            received.size = buffer.size();
        } else if (code == WSAEWOULDBLOCK || code == WSAECONNRESET) {
            received.timed_out = true;
        } else {
            received.error = last_socket_error();
        }
        return received;
    }
    received.size = got;
    for (WSACMSGHDR* cmsg = WSA_CMSG_FIRSTHDR(&message); cmsg != nullptr;
         cmsg = WSA_CMSG_NXTHDR(&message, cmsg)) {
        if ((cmsg->cmsg_level == IPPROTO_IP || cmsg->cmsg_level == IPPROTO_IPV6) &&
            cmsg->cmsg_type == receive_windows::kIpEcn) {
            received.ecn = static_cast<std::uint8_t>(receive_windows::cmsg_dword(cmsg) & 0b11);
        } else if (cmsg->cmsg_level == IPPROTO_UDP &&
                   cmsg->cmsg_type == receive_windows::kUdpCoalescedInfo) {
            received.segment_size = receive_windows::cmsg_dword(cmsg);
        }
    }
    return received;
}

const ReceiveStack native_receive_stack = ReceiveStack::winsock;
const EcnSendCall native_ecn_send_call = {.name = "WSASendMsg", .invalid_argument = WSAEINVAL};

}  // namespace netdiag::platform::udp
