// The route for a multicast group, asked of the kernel over rtnetlink (RTM_GETROUTE), the same
// question `ip route get 224.0.0.224` asks: which interface and source the group's traffic
// takes when a program does not choose an interface, or why there is none.
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "netdiag/multicast.hpp"
#include "netdiag/platform.hpp"
#include "platform/posix/unique_fd.hpp"

namespace netdiag::platform::multicast {
namespace {

std::string route_type_name(unsigned char type) {
    switch (type) {
        case RTN_UNICAST:
            return "unicast";
        case RTN_LOCAL:
            return "local";
        case RTN_BROADCAST:
            return "broadcast";
        case RTN_ANYCAST:
            return "anycast";
        case RTN_MULTICAST:
            return "multicast";
        case RTN_BLACKHOLE:
            return "blackhole";
        case RTN_UNREACHABLE:
            return "unreachable";
        case RTN_PROHIBIT:
            return "prohibit";
        default:
            return "type " + std::to_string(type);
    }
}

std::string address_text(int family, const void* data) {
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, data, text, sizeof text);
    return text;
}

}  // namespace

GroupRoute route_to_group(const std::string& group) {
    GroupRoute route;
    route.method = "netlink RTM_GETROUTE";
    const auto family = family_of(group);
    if (!family) {
        route.error = describe_native_error(EINVAL);
        return route;
    }
    const int af = *family == Family::ipv4 ? AF_INET : AF_INET6;
    const std::size_t address_size = *family == Family::ipv4 ? 4 : 16;

    const posix::UniqueFd guard(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (guard.get() < 0) {
        route.error = last_socket_error();
        return route;
    }
    // The kernel answers at once; the timeout only bounds a misbehaving stack.
    timeval timeout{1, 0};
    setsockopt(guard.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);

    struct {
        nlmsghdr header;
        rtmsg body;
        char attributes[64];
    } request{};
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
    request.header.nlmsg_type = RTM_GETROUTE;
    request.header.nlmsg_flags = NLM_F_REQUEST;
    request.header.nlmsg_seq = 1;
    request.body.rtm_family = static_cast<unsigned char>(af);
    request.body.rtm_dst_len = static_cast<unsigned char>(address_size * 8);
    auto* attribute = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(&request) +
                                                NLMSG_ALIGN(request.header.nlmsg_len));
    attribute->rta_type = RTA_DST;
    attribute->rta_len = static_cast<unsigned short>(RTA_LENGTH(address_size));
    inet_pton(af, group.c_str(), RTA_DATA(attribute));
    request.header.nlmsg_len = NLMSG_ALIGN(request.header.nlmsg_len) + attribute->rta_len;

    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(guard.get(), &request, request.header.nlmsg_len, 0,
                 reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
        route.error = last_socket_error();
        return route;
    }
    alignas(nlmsghdr) char reply[8192];
    const auto got = ::recv(guard.get(), reply, sizeof reply, 0);
    if (got < 0) {
        route.error = last_socket_error();
        return route;
    }
    auto length = static_cast<unsigned>(got);
    for (auto* h = reinterpret_cast<nlmsghdr*>(reply); NLMSG_OK(h, length);
         h = NLMSG_NEXT(h, length)) {
        if (h->nlmsg_type == NLMSG_ERROR) {
            const auto* error = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
            if (error->error != 0) route.error = describe_native_error(-error->error);
            return route;
        }
        if (h->nlmsg_type != RTM_NEWROUTE) continue;
        const auto* body = static_cast<const rtmsg*>(NLMSG_DATA(h));
        route.found = true;
        route.type = route_type_name(body->rtm_type);
        int attributes_length = static_cast<int>(RTM_PAYLOAD(h));
        for (auto* a = RTM_RTA(body); RTA_OK(a, attributes_length);
             a = RTA_NEXT(a, attributes_length)) {
            if (a->rta_type == RTA_OIF) {
                std::memcpy(&route.interface_index, RTA_DATA(a), sizeof(int));
                char name[IF_NAMESIZE] = {};
                if (if_indextoname(route.interface_index, name) != nullptr) {
                    route.interface_name = name;
                }
            } else if (a->rta_type == RTA_PREFSRC) {
                route.source = address_text(af, RTA_DATA(a));
            } else if (a->rta_type == RTA_GATEWAY) {
                route.gateway = address_text(af, RTA_DATA(a));
            }
        }
        return route;
    }
    route.error = describe_native_error(EPROTO);
    return route;
}

}  // namespace netdiag::platform::multicast
