// Egress facts on Linux: routes over rtnetlink (the questions `ip route show default` and
// `ip route get` ask), the transmit checksum offload through the ETHTOOL_GTXCSUM ioctl, and
// outbound IPsec policies over NETLINK_XFRM (`ip xfrm policy`). Reading routes and offloads
// needs no privilege; the IPsec dump needs CAP_NET_ADMIN and says so when it is refused.
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/xfrm.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "netdiag/egress.hpp"
#include "netdiag/platform.hpp"
#include "platform/posix/unique_fd.hpp"

namespace netdiag::platform::egress {
namespace {

// A netlink socket whose answers are bounded: the kernel answers a local request at once, and
// the timeout only guards against one that does not.
posix::UniqueFd netlink_socket(int protocol) {
    posix::UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol));
    timeval timeout{1, 0};
    if (fd.valid()) ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return fd;
}

std::string failure(const std::string& what, int error) {
    return what + ": " + describe_native_error(error).describe();
}

// Sends one request and hands every reply message to on_message until the kernel ends the
// answer (NLMSG_DONE, an error, or the single reply of a non-dump request). Returns the reason
// on failure, empty on success.
std::string exchange(int protocol, const void* request, std::size_t size, bool dump,
                     const std::function<void(const nlmsghdr&)>& on_message) {
    const auto socket = netlink_socket(protocol);
    if (!socket.valid()) return failure("socket(AF_NETLINK)", errno);
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
            return errno == EAGAIN ? "no netlink answer within 1 s"
                                   : failure("netlink recv", errno);
        }
        auto length = static_cast<unsigned>(got);
        for (auto* h = reinterpret_cast<nlmsghdr*>(reply); NLMSG_OK(h, length);
             h = NLMSG_NEXT(h, length)) {
            if (h->nlmsg_type == NLMSG_DONE) return {};
            if (h->nlmsg_type == NLMSG_ERROR) {
                const auto* error = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
                return error->error == 0 ? std::string{}
                                         : failure("netlink request", -error->error);
            }
            on_message(*h);
            if (!dump) return {};
        }
    }
}

std::string address_text(int family, const void* data) {
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(family, data, text, sizeof text);
    return text;
}

// RTA_METRICS holds nested attributes: RTAX_LOCK is a bit mask of locked metrics.
void read_metrics(const rtattr* metrics, RouteMtu& out) {
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
    out.locked = out.mtu && (locks & (1u << RTAX_MTU)) != 0;
}

struct RouteMessage {
    const rtmsg* body = nullptr;
    unsigned table = 0;
    unsigned interface_index = 0;
    std::string source;
    std::string gateway;
    RouteMtu mtu;
};

RouteMessage parse_route(const nlmsghdr& h) {
    RouteMessage route;
    route.body = static_cast<const rtmsg*>(NLMSG_DATA(&h));
    route.table = route.body->rtm_table;
    int length = static_cast<int>(RTM_PAYLOAD(&h));
    for (auto* a = RTM_RTA(route.body); RTA_OK(a, length); a = RTA_NEXT(a, length)) {
        switch (a->rta_type) {
            case RTA_TABLE:
                std::memcpy(&route.table, RTA_DATA(a), sizeof route.table);
                break;
            case RTA_OIF:
                std::memcpy(&route.interface_index, RTA_DATA(a), sizeof route.interface_index);
                break;
            case RTA_PREFSRC:
                route.source = address_text(route.body->rtm_family, RTA_DATA(a));
                break;
            case RTA_GATEWAY:
                route.gateway = address_text(route.body->rtm_family, RTA_DATA(a));
                break;
            case RTA_METRICS:
                read_metrics(a, route.mtu);
                break;
            default:
                break;
        }
    }
    return route;
}

int native_family(udp::Family family) {
    return family == udp::Family::ipv4 ? AF_INET : AF_INET6;
}

std::string interface_name(unsigned index) {
    char name[IF_NAMESIZE] = {};
    return ::if_indextoname(index, name) != nullptr ? std::string(name) : std::string{};
}

}  // namespace

RouteMtu default_route_mtu(udp::Family family, unsigned interface_index) {
    struct {
        nlmsghdr header;
        rtmsg body;
    } request{};
    request.header.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
    request.header.nlmsg_type = RTM_GETROUTE;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = 1;
    request.body.rtm_family = static_cast<unsigned char>(native_family(family));
    RouteMtu found;
    bool matched = false;
    const auto error =
        exchange(NETLINK_ROUTE, &request, request.header.nlmsg_len, true, [&](const nlmsghdr& h) {
            if (matched || h.nlmsg_type != RTM_NEWROUTE) return;
            const auto route = parse_route(h);
            if (route.body->rtm_dst_len != 0 || route.table != RT_TABLE_MAIN ||
                route.body->rtm_type != RTN_UNICAST || route.interface_index != interface_index) {
                return;
            }
            found = route.mtu;
            matched = true;
        });
    if (!error.empty()) found.unknown_because = "reading the default route: " + error;
    return found;
}

RouteLookup route_lookup(const udp::Endpoint& destination) {
    RouteLookup lookup;
    const int af = native_family(destination.family());
    const std::size_t address_size = af == AF_INET ? 4 : 16;
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
    if (::inet_pton(af, destination.address.c_str(), RTA_DATA(attribute)) != 1) {
        lookup.unknown_because = "not a numeric address: " + destination.address;
        return lookup;
    }
    request.header.nlmsg_len = NLMSG_ALIGN(request.header.nlmsg_len) + attribute->rta_len;
    bool answered = false;
    const auto error =
        exchange(NETLINK_ROUTE, &request, request.header.nlmsg_len, false, [&](const nlmsghdr& h) {
            if (h.nlmsg_type != RTM_NEWROUTE) return;
            const auto route = parse_route(h);
            lookup.interface_index = route.interface_index;
            lookup.interface_name = interface_name(route.interface_index);
            lookup.source = route.source;
            lookup.gateway = route.gateway;
            lookup.route_mtu = route.mtu;
            answered = true;
        });
    if (!error.empty()) {
        lookup.unknown_because = "ip route get " + destination.address + ": " + error;
        return lookup;
    }
    if (!answered) lookup.unknown_because = "ip route get " + destination.address + ": no route";
    // The MTU a datagram is really cut to (route metric, learned path MTU or the interface's),
    // as the kernel reports it to a socket connected along that route.
    if (const auto facts = udp::route_to(destination); facts.mtu) lookup.mtu = facts.mtu;
    return lookup;
}

Known<bool> transmit_checksum_offload(const std::string& name) {
    if (name.empty() || name.size() >= IF_NAMESIZE) {
        return Known<bool>::unknown("no interface name to ask");
    }
    const posix::UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return Known<bool>::unknown(failure("socket", errno));
    ethtool_value value{};
    value.cmd = ETHTOOL_GTXCSUM;
    ifreq request{};
    std::memcpy(request.ifr_name, name.c_str(), name.size());
    request.ifr_data = reinterpret_cast<char*>(&value);
    if (::ioctl(fd.get(), SIOCETHTOOL, &request) < 0)
        return Known<bool>::unknown(failure("ETHTOOL_GTXCSUM on " + name, errno));
    return Known<bool>{value.data != 0, {}};
}

Known<std::vector<IpsecPolicy>> outbound_ipsec_policies() {
    nlmsghdr request{};
    request.nlmsg_len = NLMSG_LENGTH(0);
    request.nlmsg_type = XFRM_MSG_GETPOLICY;
    request.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.nlmsg_seq = 1;
    std::vector<IpsecPolicy> policies;
    const auto error =
        exchange(NETLINK_XFRM, &request, request.nlmsg_len, true, [&](const nlmsghdr& h) {
            if (h.nlmsg_type != XFRM_MSG_NEWPOLICY ||
                h.nlmsg_len < NLMSG_LENGTH(sizeof(xfrm_userpolicy_info))) {
                return;
            }
            const auto* info = static_cast<const xfrm_userpolicy_info*>(NLMSG_DATA(&h));
            if (info->dir != XFRM_POLICY_OUT) return;
            if (info->sel.family != AF_INET && info->sel.family != AF_INET6) return;
            IpsecPolicy policy;
            policy.family = info->sel.family == AF_INET ? udp::Family::ipv4 : udp::Family::ipv6;
            policy.destination = address_text(info->sel.family, &info->sel.daddr);
            policy.prefix_length = info->sel.prefixlen_d;
            policies.push_back(policy);
        });
    if (!error.empty()) {
        return Known<std::vector<IpsecPolicy>>::unknown(
            error.find("EPERM") != std::string::npos
                ? "reading IPsec policies needs CAP_NET_ADMIN (run as root)"
                : "reading IPsec policies: " + error);
    }
    return Known<std::vector<IpsecPolicy>>{std::move(policies), {}};
}

}  // namespace netdiag::platform::egress
