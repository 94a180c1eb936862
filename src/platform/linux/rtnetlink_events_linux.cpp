// rtnetlink messages to link state: RTM_NEWLINK/RTM_DELLINK set an interface's state,
// RTM_NEWADDR/RTM_DELADDR its addresses, RTM_NEWROUTE/RTM_DELROUTE of the main table become
// route events.
#include "rtnetlink_events_linux.hpp"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <cstring>
#include <string>

namespace netdiag::platform::links::linux_rtnl {
namespace {

// Walks the attributes after a message's fixed header.
template <typename Visit>
void for_each_attribute(const rtattr* first, int length, Visit visit) {
    for (const rtattr* a = first; RTA_OK(a, length); a = RTA_NEXT(a, length)) visit(*a);
}

std::string address_text(int family, const void* data, std::size_t size) {
    char text[INET6_ADDRSTRLEN] = {};
    if ((family == AF_INET && size < 4) || (family == AF_INET6 && size < 16)) return {};
    if (::inet_ntop(family, data, text, sizeof text) == nullptr) return {};
    return text;
}

LinkState state_from_flags(unsigned flags) {
    if ((flags & IFF_UP) == 0) return LinkState::down;
    // The kernel sets IFF_RUNNING from the RFC 2863 operational state: up with a carrier.
    return (flags & IFF_RUNNING) != 0 ? LinkState::up : LinkState::no_carrier;
}

void apply_link(const nlmsghdr& header, LinkStateTracker& tracker, bool baseline,
                ParseOutcome& out) {
    if (header.nlmsg_len < NLMSG_LENGTH(sizeof(ifinfomsg))) return;
    const auto* info = static_cast<const ifinfomsg*>(NLMSG_DATA(&header));
    const auto index = static_cast<unsigned>(info->ifi_index);
    if (header.nlmsg_type == RTM_DELLINK) {
        if (auto e = tracker.remove_link(index)) out.events.push_back(std::move(*e));
        return;
    }
    std::string name;
    for_each_attribute(
        IFLA_RTA(info), static_cast<int>(IFLA_PAYLOAD(&header)), [&](const rtattr& a) {
            if (a.rta_type == IFLA_IFNAME) {
                name.assign(static_cast<const char*>(RTA_DATA(&a)),
                            ::strnlen(static_cast<const char*>(RTA_DATA(&a)), RTA_PAYLOAD(&a)));
            }
        });
    if (auto e = tracker.observe_link(index, name, state_from_flags(info->ifi_flags), baseline)) {
        out.events.push_back(std::move(*e));
    }
}

void apply_address(const nlmsghdr& header, LinkStateTracker& tracker, bool baseline,
                   ParseOutcome& out) {
    if (header.nlmsg_len < NLMSG_LENGTH(sizeof(ifaddrmsg))) return;
    const auto* info = static_cast<const ifaddrmsg*>(NLMSG_DATA(&header));
    std::string local, address;
    for_each_attribute(IFA_RTA(info), static_cast<int>(IFA_PAYLOAD(&header)), [&](const rtattr& a) {
        const auto text = address_text(info->ifa_family, RTA_DATA(&a), RTA_PAYLOAD(&a));
        if (a.rta_type == IFA_LOCAL) local = text;
        if (a.rta_type == IFA_ADDRESS) address = text;
    });
    // IPv4 puts the interface's own address in IFA_LOCAL (IFA_ADDRESS is the peer on
    // point-to-point links); IPv6 only sends IFA_ADDRESS.
    const auto own = local.empty() ? address : local;
    if (own.empty()) return;
    const auto text = own + "/" + std::to_string(info->ifa_prefixlen);
    if (auto e = tracker.observe_address(info->ifa_index, text, header.nlmsg_type == RTM_NEWADDR,
                                         baseline)) {
        out.events.push_back(std::move(*e));
    }
}

void apply_route(const nlmsghdr& header, LinkStateTracker& tracker, bool baseline,
                 ParseOutcome& out) {
    if (baseline || header.nlmsg_len < NLMSG_LENGTH(sizeof(rtmsg))) return;
    const auto* info = static_cast<const rtmsg*>(NLMSG_DATA(&header));
    if (info->rtm_type != RTN_UNICAST || (info->rtm_flags & RTM_F_CLONED) != 0) return;
    unsigned table = info->rtm_table;
    unsigned oif = 0;
    std::string destination, gateway;
    for_each_attribute(RTM_RTA(info), static_cast<int>(RTM_PAYLOAD(&header)), [&](const rtattr& a) {
        const auto size = RTA_PAYLOAD(&a);
        if (a.rta_type == RTA_TABLE && size >= 4) {
            std::memcpy(&table, RTA_DATA(&a), 4);
        } else if (a.rta_type == RTA_OIF && size >= 4) {
            std::memcpy(&oif, RTA_DATA(&a), 4);
        } else if (a.rta_type == RTA_DST) {
            destination = address_text(info->rtm_family, RTA_DATA(&a), size);
        } else if (a.rta_type == RTA_GATEWAY) {
            gateway = address_text(info->rtm_family, RTA_DATA(&a), size);
        }
    });
    // Only the main table: local and broadcast routes follow addresses and would only repeat
    // the address events.
    if (table != RT_TABLE_MAIN) return;
    std::string text = destination.empty() && info->rtm_dst_len == 0
                           ? std::string("default")
                           : destination + "/" + std::to_string(info->rtm_dst_len);
    if (!gateway.empty()) text += " via " + gateway;
    LinkEvent event;
    event.monotonic = std::chrono::steady_clock::now();
    event.wall = std::chrono::system_clock::now();
    event.interface_index = oif;
    event.interface_name = oif == 0 ? std::string() : tracker.name_of(oif);
    if (header.nlmsg_type == RTM_NEWROUTE) {
        event.kind = EventKind::route_added;
        event.new_state = text;
    } else {
        event.kind = EventKind::route_removed;
        event.old_state = text;
    }
    out.events.push_back(std::move(event));
}

}  // namespace

ParseOutcome apply_messages(std::span<const std::byte> buffer, LinkStateTracker& tracker,
                            bool baseline) {
    ParseOutcome out;
    auto length = static_cast<int>(buffer.size());
    for (const auto* header = reinterpret_cast<const nlmsghdr*>(buffer.data());
         NLMSG_OK(header, static_cast<unsigned>(length)); header = NLMSG_NEXT(header, length)) {
        switch (header->nlmsg_type) {
            case NLMSG_DONE:
                out.done = true;
                break;
            case NLMSG_ERROR:
                if (header->nlmsg_len >= NLMSG_LENGTH(sizeof(nlmsgerr))) {
                    out.error = -static_cast<const nlmsgerr*>(NLMSG_DATA(header))->error;
                }
                break;
            case RTM_NEWLINK:
            case RTM_DELLINK:
                apply_link(*header, tracker, baseline, out);
                break;
            case RTM_NEWADDR:
            case RTM_DELADDR:
                apply_address(*header, tracker, baseline, out);
                break;
            case RTM_NEWROUTE:
            case RTM_DELROUTE:
                apply_route(*header, tracker, baseline, out);
                break;
            default:
                break;
        }
    }
    return out;
}

}  // namespace netdiag::platform::links::linux_rtnl
