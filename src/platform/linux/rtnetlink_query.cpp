#include "platform/linux/rtnetlink_query.hpp"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "netdiag/platform.hpp"
#include "platform/posix/unique_fd.hpp"

namespace netdiag::platform::linux_netlink {
namespace {

ExchangeError failure(const std::string& what, int error) {
    return {error, what + ": " + describe_native_error(error).describe()};
}

// RTA_METRICS holds nested attributes: RTAX_LOCK is a bit mask of the locked metrics.
void read_metrics(const rtattr* metrics, RouteMessage& out) {
    int length = static_cast<int>(RTA_PAYLOAD(metrics));
    std::uint32_t locks = 0;
    for (auto* a = static_cast<const rtattr*>(RTA_DATA(metrics)); RTA_OK(a, length);
         a = RTA_NEXT(a, length)) {
        if (RTA_PAYLOAD(a) < sizeof(std::uint32_t)) continue;
        std::uint32_t value = 0;
        std::memcpy(&value, RTA_DATA(a), sizeof value);
        if (a->rta_type == RTAX_MTU) out.mtu = value;
        if (a->rta_type == RTAX_LOCK) locks = value;
    }
    out.mtu_locked = out.mtu && (locks & (1u << RTAX_MTU)) != 0;
}

}  // namespace

std::string address_text(int family, const void* data) {
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(family, data, text, sizeof text);
    return text;
}

ExchangeError exchange(int protocol, const void* request, std::size_t size, bool dump,
                       const std::function<void(const nlmsghdr&)>& on_message) {
    const posix::UniqueFd socket(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol));
    if (!socket.valid()) return failure("socket(AF_NETLINK)", errno);
    // The kernel answers a local request at once; the timeout only bounds one that does not.
    timeval timeout{1, 0};
    ::setsockopt(socket.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(socket.get(), request, size, 0, reinterpret_cast<sockaddr*>(&kernel),
                 sizeof kernel) < 0) {
        return failure("netlink send", errno);
    }
    alignas(nlmsghdr) char reply[32768];
    for (;;) {
        const auto got = ::recv(socket.get(), reply, sizeof reply, 0);
        if (got < 0) {
            if (errno == EAGAIN) return {EAGAIN, "no netlink answer within 1 s"};
            return failure("netlink recv", errno);
        }
        auto length = static_cast<unsigned>(got);
        for (auto* h = reinterpret_cast<nlmsghdr*>(reply); NLMSG_OK(h, length);
             h = NLMSG_NEXT(h, length)) {
            if (h->nlmsg_type == NLMSG_DONE) return {};
            if (h->nlmsg_type == NLMSG_ERROR) {
                const auto* error = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
                if (error->error == 0) return {};
                return failure("netlink request", -error->error);
            }
            on_message(*h);
            if (!dump) return {};
        }
    }
}

RouteMessage parse_route(const nlmsghdr& message) {
    RouteMessage route;
    const auto* body = static_cast<const rtmsg*>(NLMSG_DATA(&message));
    route.family = body->rtm_family;
    route.destination_length = body->rtm_dst_len;
    route.type = body->rtm_type;
    route.table = body->rtm_table;
    int length = static_cast<int>(RTM_PAYLOAD(&message));
    for (auto* a = RTM_RTA(body); RTA_OK(a, length); a = RTA_NEXT(a, length)) {
        switch (a->rta_type) {
            case RTA_TABLE:
                std::memcpy(&route.table, RTA_DATA(a), sizeof route.table);
                break;
            case RTA_OIF: {
                std::memcpy(&route.interface_index, RTA_DATA(a), sizeof route.interface_index);
                char name[IF_NAMESIZE] = {};
                if (::if_indextoname(route.interface_index, name) != nullptr) {
                    route.interface_name = name;
                }
                break;
            }
            case RTA_PREFSRC:
                route.source = address_text(route.family, RTA_DATA(a));
                break;
            case RTA_GATEWAY:
                route.gateway = address_text(route.family, RTA_DATA(a));
                break;
            case RTA_METRICS:
                read_metrics(a, route);
                break;
            default:
                break;
        }
    }
    return route;
}

RouteGet route_get(const std::string& address) {
    RouteGet out;
    unsigned char bytes[16] = {};
    int family = AF_INET;
    std::size_t size = 4;
    if (::inet_pton(AF_INET, address.c_str(), bytes) != 1) {
        family = AF_INET6;
        size = 16;
        if (::inet_pton(AF_INET6, address.c_str(), bytes) != 1) {
            out.error = {EINVAL, "not a numeric address: " + address};
            return out;
        }
    }
    struct {
        nlmsghdr header;
        rtmsg body;
        char attributes[64];
    } request{};
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
    request.header.nlmsg_type = RTM_GETROUTE;
    request.header.nlmsg_flags = NLM_F_REQUEST;
    request.header.nlmsg_seq = 1;
    request.body.rtm_family = static_cast<unsigned char>(family);
    request.body.rtm_dst_len = static_cast<unsigned char>(size * 8);
    auto* attribute = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(&request) +
                                                NLMSG_ALIGN(request.header.nlmsg_len));
    attribute->rta_type = RTA_DST;
    attribute->rta_len = static_cast<unsigned short>(RTA_LENGTH(size));
    std::memcpy(RTA_DATA(attribute), bytes, size);
    request.header.nlmsg_len = NLMSG_ALIGN(request.header.nlmsg_len) + attribute->rta_len;
    out.error = exchange(NETLINK_ROUTE, &request, request.header.nlmsg_len, false,
                         [&out](const nlmsghdr& h) {
                             if (h.nlmsg_type == RTM_NEWROUTE) out.route = parse_route(h);
                         });
    if (!out.error && !out.route) out.error = {EPROTO, "no route message in the answer"};
    return out;
}

}  // namespace netdiag::platform::linux_netlink
