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

#include "netdiag/egress.hpp"
#include "netdiag/platform.hpp"
#include "platform/linux/rtnetlink_query.hpp"
#include "platform/posix/unique_fd.hpp"

namespace netdiag::platform::egress {
namespace {

namespace nl = linux_netlink;

std::string failure(const std::string& what, int error) {
    return what + ": " + describe_native_error(error).describe();
}

int native_family(udp::Family family) {
    return family == udp::Family::ipv4 ? AF_INET : AF_INET6;
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
    const auto error = nl::exchange(
        NETLINK_ROUTE, &request, request.header.nlmsg_len, true, [&](const nlmsghdr& h) {
            if (matched || h.nlmsg_type != RTM_NEWROUTE) return;
            const auto route = nl::parse_route(h);
            if (route.destination_length != 0 || route.table != RT_TABLE_MAIN ||
                route.type != RTN_UNICAST || route.interface_index != interface_index) {
                return;
            }
            found.mtu = route.mtu;
            found.locked = route.mtu_locked;
            matched = true;
        });
    if (error) found.unknown_because = "reading the default route: " + error.text;
    return found;
}

RouteLookup route_lookup(const udp::Endpoint& destination) {
    RouteLookup lookup;
    const auto answer = nl::route_get(destination.address);
    if (answer.error) {
        lookup.unknown_because = "ip route get " + destination.address + ": " + answer.error.text;
        return lookup;
    }
    const auto& route = *answer.route;
    lookup.interface_index = route.interface_index;
    lookup.interface_name = route.interface_name;
    lookup.source = route.source;
    lookup.gateway = route.gateway;
    lookup.route_mtu.mtu = route.mtu;
    lookup.route_mtu.locked = route.mtu_locked;
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
        nl::exchange(NETLINK_XFRM, &request, request.nlmsg_len, true, [&](const nlmsghdr& h) {
            if (h.nlmsg_type != XFRM_MSG_NEWPOLICY ||
                h.nlmsg_len < NLMSG_LENGTH(sizeof(xfrm_userpolicy_info))) {
                return;
            }
            const auto* info = static_cast<const xfrm_userpolicy_info*>(NLMSG_DATA(&h));
            if (info->dir != XFRM_POLICY_OUT) return;
            if (info->sel.family != AF_INET && info->sel.family != AF_INET6) return;
            IpsecPolicy policy;
            policy.family = info->sel.family == AF_INET ? udp::Family::ipv4 : udp::Family::ipv6;
            policy.destination = nl::address_text(info->sel.family, &info->sel.daddr);
            policy.prefix_length = info->sel.prefixlen_d;
            policies.push_back(policy);
        });
    if (error) {
        return Known<std::vector<IpsecPolicy>>::unknown(
            error.error_number == EPERM ? "reading IPsec policies needs CAP_NET_ADMIN (run as root)"
                                        : "reading IPsec policies: " + error.text);
    }
    return Known<std::vector<IpsecPolicy>>{std::move(policies), {}};
}

}  // namespace netdiag::platform::egress
