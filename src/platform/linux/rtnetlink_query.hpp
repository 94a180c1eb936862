// Questions to the kernel over netlink, answered at once and bounded by a 1 s receive timeout:
// one exchange helper (request, then every reply message until the answer ends) and the route
// questions `ip route get ADDRESS` and `ip route show` ask. Used by the multicast route and the
// udp-batch egress readers.
#pragma once

#include <linux/netlink.h>

#include <functional>
#include <optional>
#include <string>

namespace netdiag::platform::linux_netlink {

struct ExchangeError {
    int error_number = 0;  // errno of the failing call, or the kernel's netlink error
    std::string text;      // "netlink request: ENETUNREACH (101) ..."; empty on success

    explicit operator bool() const { return !text.empty(); }
};

// Sends request on a new socket of the netlink protocol and hands each reply message to
// on_message until the kernel ends the answer (NLMSG_DONE, an error, or, when dump is false,
// the first message).
ExchangeError exchange(int protocol, const void* request, std::size_t size, bool dump,
                       const std::function<void(const nlmsghdr&)>& on_message);

// One RTM_NEWROUTE message.
struct RouteMessage {
    unsigned char family = 0;
    unsigned char destination_length = 0;
    unsigned char type = 0;  // RTN_UNICAST, RTN_MULTICAST, …
    unsigned table = 0;
    unsigned interface_index = 0;
    std::string interface_name;
    std::string source;  // RTA_PREFSRC
    std::string gateway;
    std::optional<unsigned> mtu;  // RTAX_MTU in RTA_METRICS
    bool mtu_locked = false;      // RTAX_LOCK has the MTU's bit
};
RouteMessage parse_route(const nlmsghdr& message);

// `ip route get ADDRESS` for a numeric IPv4 or IPv6 address.
struct RouteGet {
    std::optional<RouteMessage> route;
    ExchangeError error;
};
RouteGet route_get(const std::string& address);

// The text form of an IPv4 or IPv6 address in network order.
std::string address_text(int family, const void* data);

}  // namespace netdiag::platform::linux_netlink
