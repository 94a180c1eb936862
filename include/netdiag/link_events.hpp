// Link and address events as a capability: the OS tells netdiag when an interface goes down or
// up, appears or disappears, and when an address or route comes or goes. Linux listens on an
// rtnetlink socket, Windows registers NotifyIpInterfaceChange and NotifyUnicastIpAddressChange;
// both are event-driven (nothing polls). Implemented per OS in src/platform/<os>/.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <asio/io_context.hpp>

#include "netdiag/error.hpp"

namespace netdiag::platform::links {

// The state of one interface as netdiag judges it: `up` carries traffic; `no-carrier` is
// administratively up without a link (cable out, dock asleep); `down` is administratively down;
// `absent` is not (or no longer) known to the OS.
enum class LinkState { up, no_carrier, down, absent };
std::string_view to_string(LinkState state);

enum class EventKind {
    link_up,          // to `up` from any other state
    link_down,        // from `up` to any other state (a drop)
    link_state,       // between two states that are not `up` (down → no-carrier)
    link_added,       // a new interface, not up yet
    link_removed,     // gone, and it was not up (else it is link_down)
    address_added,    // new_state holds "10.0.0.2/24"
    address_removed,  // old_state holds it
    route_added,      // new_state holds "default via 10.0.0.1" or "10.0.0.0/24"
    route_removed,    // old_state holds it
};
std::string_view to_string(EventKind kind);

struct LinkEvent {
    std::chrono::steady_clock::time_point monotonic;  // when netdiag received it
    std::chrono::system_clock::time_point wall;
    std::string interface_name;
    unsigned interface_index = 0;
    EventKind kind = EventKind::link_state;
    std::string old_state;
    std::string new_state;
};

// What the source knew about one interface when it started.
struct InterfaceStatus {
    unsigned index = 0;
    std::string name;
    LinkState state = LinkState::absent;
    std::vector<std::string> addresses;  // "10.0.0.2/24", "fe80::1/64"
};

// How the source gets its events and what it could not do, for the report.
struct SourceStatus {
    std::string mechanism;  // "rtnetlink (link, ipv4/ipv6 address, ipv4/ipv6 route)", …
    // Windows: the registrations ask for an initial notification; a source that never delivers
    // one (Wine) is unlikely to deliver later ones either.
    std::optional<bool> initial_notification_seen;
    std::vector<std::string> notes;  // one line each: lost events, missing notifications
};

class LinkEventSource {
public:
    using Handler = std::function<void(const LinkEvent&)>;
    virtual ~LinkEventSource() = default;
    virtual std::vector<InterfaceStatus> initial_interfaces() const = 0;
    virtual SourceStatus status() const = 0;
    // Stops listening; no handler runs after the io_context has processed the stop.
    virtual void stop() = 0;
};

// Opens the OS's event source. The handler runs on a thread running io. On failure returns
// nullptr and sets error (and error_text to a line naming the call).
std::unique_ptr<LinkEventSource> open_link_event_source(asio::io_context& io,
                                                        LinkEventSource::Handler handler,
                                                        SysError& error, std::string& error_text);

// Turns state observations into events. Both OS implementations feed it what they learn (a
// netlink message, a re-read interface table) and it emits an event only on a real change, so
// repeated or overlapping notifications never duplicate events. Pure: no OS calls.
class LinkStateTracker {
public:
    // Baseline observations (the start-up dump) update the state without emitting events.
    std::optional<LinkEvent> observe_link(unsigned index, const std::string& name, LinkState state,
                                          bool baseline = false);
    std::optional<LinkEvent> remove_link(unsigned index);
    std::optional<LinkEvent> observe_address(unsigned index, const std::string& address,
                                             bool present, bool baseline = false);
    // Replaces every address of every interface (Windows re-reads the whole table); emits one
    // event per address that came or went.
    std::vector<LinkEvent> replace_addresses(
        const std::map<unsigned, std::set<std::string>>& addresses, bool baseline = false);
    // The interface's name, or its index as text when unknown.
    std::string name_of(unsigned index) const;
    std::vector<InterfaceStatus> interfaces() const;

private:
    struct Entry {
        std::string name;
        LinkState state = LinkState::absent;
        std::set<std::string> addresses;
    };
    LinkEvent make_event(unsigned index, EventKind kind, std::string old_state,
                         std::string new_state) const;
    std::map<unsigned, Entry> entries_;
};

}  // namespace netdiag::platform::links
