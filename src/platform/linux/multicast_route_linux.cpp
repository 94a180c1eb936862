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
#include "platform/linux/rtnetlink_query.hpp"

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

}  // namespace

GroupRoute route_to_group(const std::string& group) {
    GroupRoute route;
    route.method = "netlink RTM_GETROUTE";
    if (!family_of(group)) {
        route.error = describe_native_error(EINVAL);
        return route;
    }
    const auto answer = linux_netlink::route_get(group);
    if (answer.error) {
        route.error = describe_native_error(answer.error.error_number);
        return route;
    }
    route.found = true;
    route.type = route_type_name(answer.route->type);
    route.interface_index = answer.route->interface_index;
    route.interface_name = answer.route->interface_name;
    route.source = answer.route->source;
    route.gateway = answer.route->gateway;
    return route;
}

}  // namespace netdiag::platform::multicast
