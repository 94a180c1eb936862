// What the multicast probe observed, as plain data: the checks fill it, the findings and the
// report tables are computed from it alone (so they are tested without a network).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netdiag/error.hpp"
#include "netdiag/multicast.hpp"
#include "netdiag/platform.hpp"
#include "proto/zenoh/zenoh_scouting.hpp"

namespace netdiag::mcast {

// One bind attempt on the port.
struct BindCheck {
    std::string label;    // "wildcard, no reuse", "group address, SO_REUSEADDR (as Zenoh)"
    std::string address;  // "0.0.0.0", "224.0.0.224"
    platform::multicast::BindMode mode;
    bool as_zenoh = false;  // the bind Zenoh itself makes on this OS
    SysError error;
};

// The join / send / loopback check on one interface (or the kernel's default choice).
struct InterfaceCheck {
    std::string name;  // interface name, or "(default)" for the kernel's choice
    unsigned index = 0;
    bool is_default = false;
    bool up = false;
    bool running = false;
    bool multicast_flag = false;
    bool loopback = false;
    std::string address;      // the interface address used to join (IPv4), empty if none
    bool selected = true;     // false when --multicast-interface left it out
    bool zenoh_uses = false;  // Zenoh would join here: up, running, MULTICAST (or named)
    std::string skipped;      // why no join was tried ("no IPv4 address", "not selected")
    bool tried = false;
    bool joined = false;
    SysError join_error;
    std::string failed_step;  // "bind", "IP_MULTICAST_IF", … when a step before send failed
    SysError setup_error;
    bool sent = false;
    SysError send_error;
    bool looped_back = false;
    std::optional<double> loop_ms;
    // Datagrams from someone else read on the port while waiting for the own copy. When the
    // copy did not come and this is not zero, a busy port may have crowded it out of the
    // socket's queue: the check cannot tell that from a drop.
    unsigned foreign_datagrams = 0;
};

struct RouteCheck {
    platform::multicast::GroupRoute route;
};

// One decoded Hello, and where it came from.
struct ZenohAnswer {
    std::string interface;  // the interface the Scout went out on
    std::string source;     // ADDRESS:PORT of the reply
    proto::zenoh::Hello hello;
};

struct ZenohScouting {
    bool attempted = false;
    std::vector<std::string> sent_on;      // interfaces a Scout left on
    std::vector<std::string> send_errors;  // "eth1: ENETUNREACH (101) …"
    std::vector<ZenohAnswer> answers;
    std::vector<std::string> undecodable;  // "ADDRESS:PORT: offset 3: …"
    unsigned window_ms = 0;
};

struct MulticastFacts {
    std::string group;
    std::uint16_t port = 0;
    std::uint16_t test_port = 0;  // port the loopback checks used (port, or a spare one)
    platform::multicast::Family family = platform::multicast::Family::ipv4;
    bool interfaces_restricted = false;
    platform::WslKind wsl = platform::WslKind::none;
    std::string wsl_networking;
    platform::multicast::PlatformTraits traits;
    std::vector<BindCheck> binds;
    platform::multicast::PortOwnerLookup owners;  // filled when a bind met EADDRINUSE
    bool owners_looked_up = false;
    std::vector<InterfaceCheck> interfaces;  // real interfaces, then the default row
    RouteCheck route;
    ZenohScouting zenoh;
};

}  // namespace netdiag::mcast
