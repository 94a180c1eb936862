// The portable half of the link event source: state in, events out. Built on every platform.
#include "netdiag/link_events.hpp"

namespace netdiag::platform::links {

std::string_view to_string(LinkState state) {
    switch (state) {
        case LinkState::up:
            return "up";
        case LinkState::no_carrier:
            return "no-carrier";
        case LinkState::down:
            return "down";
        case LinkState::absent:
            return "absent";
    }
    return "absent";
}

std::string_view to_string(EventKind kind) {
    switch (kind) {
        case EventKind::link_up:
            return "link_up";
        case EventKind::link_down:
            return "link_down";
        case EventKind::link_state:
            return "link_state";
        case EventKind::link_added:
            return "link_added";
        case EventKind::link_removed:
            return "link_removed";
        case EventKind::address_added:
            return "address_added";
        case EventKind::address_removed:
            return "address_removed";
        case EventKind::route_added:
            return "route_added";
        case EventKind::route_removed:
            return "route_removed";
    }
    return "link_state";
}

namespace {

EventKind kind_of_change(LinkState from, LinkState to) {
    if (to == LinkState::up) return EventKind::link_up;
    if (from == LinkState::up) return EventKind::link_down;
    if (from == LinkState::absent) return EventKind::link_added;
    if (to == LinkState::absent) return EventKind::link_removed;
    return EventKind::link_state;
}

}  // namespace

LinkEvent LinkStateTracker::make_event(unsigned index, EventKind kind, std::string old_state,
                                       std::string new_state) const {
    LinkEvent event;
    event.monotonic = std::chrono::steady_clock::now();
    event.wall = std::chrono::system_clock::now();
    event.interface_index = index;
    event.interface_name = name_of(index);
    event.kind = kind;
    event.old_state = std::move(old_state);
    event.new_state = std::move(new_state);
    return event;
}

std::optional<LinkEvent> LinkStateTracker::observe_link(unsigned index, const std::string& name,
                                                        LinkState state, bool baseline) {
    auto& entry = entries_[index];
    if (!name.empty()) entry.name = name;
    const auto previous = entry.state;
    entry.state = state;
    if (baseline || previous == state) return std::nullopt;
    return make_event(index, kind_of_change(previous, state), std::string(to_string(previous)),
                      std::string(to_string(state)));
}

std::optional<LinkEvent> LinkStateTracker::remove_link(unsigned index) {
    const auto it = entries_.find(index);
    if (it == entries_.end() || it->second.state == LinkState::absent) return std::nullopt;
    const auto previous = it->second.state;
    it->second.state = LinkState::absent;
    it->second.addresses.clear();
    return make_event(index, kind_of_change(previous, LinkState::absent),
                      std::string(to_string(previous)), "absent");
}

std::optional<LinkEvent> LinkStateTracker::observe_address(unsigned index,
                                                           const std::string& address, bool present,
                                                           bool baseline) {
    auto& addresses = entries_[index].addresses;
    const bool known = addresses.count(address) != 0;
    if (present == known) return std::nullopt;
    if (present) {
        addresses.insert(address);
    } else {
        addresses.erase(address);
    }
    if (baseline) return std::nullopt;
    return present ? make_event(index, EventKind::address_added, "", address)
                   : make_event(index, EventKind::address_removed, address, "");
}

std::vector<LinkEvent> LinkStateTracker::replace_addresses(
    const std::map<unsigned, std::set<std::string>>& addresses, bool baseline) {
    std::vector<LinkEvent> events;
    for (auto& [index, entry] : entries_) {
        const auto it = addresses.find(index);
        const auto gone = entry.addresses;
        for (const auto& address : gone) {
            if (it == addresses.end() || it->second.count(address) == 0) {
                if (auto e = observe_address(index, address, false, baseline)) {
                    events.push_back(std::move(*e));
                }
            }
        }
    }
    for (const auto& [index, set] : addresses) {
        for (const auto& address : set) {
            if (auto e = observe_address(index, address, true, baseline)) {
                events.push_back(std::move(*e));
            }
        }
    }
    return events;
}

std::string LinkStateTracker::name_of(unsigned index) const {
    const auto it = entries_.find(index);
    if (it == entries_.end() || it->second.name.empty()) return "if" + std::to_string(index);
    return it->second.name;
}

std::vector<InterfaceStatus> LinkStateTracker::interfaces() const {
    std::vector<InterfaceStatus> out;
    for (const auto& [index, entry] : entries_) {
        if (entry.state == LinkState::absent) continue;
        out.push_back({index, entry.name, entry.state,
                       std::vector<std::string>(entry.addresses.begin(), entry.addresses.end())});
    }
    return out;
}

}  // namespace netdiag::platform::links
