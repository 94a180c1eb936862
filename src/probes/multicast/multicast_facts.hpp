// What the multicast probe observed, as plain data: the checks fill it, the findings and the
// report tables are computed from it alone (so they are tested without a network).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netdiag/error.hpp"
#include "netdiag/firewall.hpp"
#include "netdiag/multicast.hpp"
#include "netdiag/platform.hpp"
#include "proto/zenoh/zenoh_scouting.hpp"

namespace netdiag::probes::multicast {

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
    std::string name;        // interface name, or "(default)" for the kernel's choice
    std::string adapter_id;  // the interface's own name (the adapter GUID on Windows)
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
    // The own copy came back on this interface (on the interface the kernel chose, for the
    // default row). A copy that arrived on another interface (lo) proves nothing about this
    // one: looped_back stays false and looped_elsewhere names where it came in.
    bool looped_back = false;
    bool looped_elsewhere = false;
    unsigned arrival_index = 0;  // interface the copy arrived on, 0 when the OS does not say
    std::string arrival_name;
    std::optional<double> loop_ms;
    // Effective reverse-path filter mode here (max of all and this interface), when known.
    std::optional<int> rp_filter;
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
    // The Scout's own source ports: the loop-back checks, bound to the same group and port
    // while nodes answer, receive this Scout too and must not count it as another sender's.
    std::vector<std::uint16_t> own_ports;
    std::vector<std::uint8_t> own_scout;
};

// One membership on the single socket Zenoh opens for the group.
struct SharedSocketJoin {
    std::string interface;
    std::string address;
    unsigned index = 0;
    SysError error;
};

// Zenoh's own layout: one socket, SO_REUSEADDR, bound as Zenoh binds it, joined on every
// interface Zenoh would use. The per-interface checks use a socket each and cannot see limits
// that count memberships per socket.
struct ZenohSocketLayout {
    bool attempted = false;
    std::string bind_address;  // "224.0.0.224" on Unix, the wildcard on Windows
    SysError bind_error;
    std::vector<SharedSocketJoin> joins;
    std::optional<int> membership_limit;  // net.ipv4.igmp_max_memberships
};

// A firewall rule that touches the group or the port, or dropped something while the probe
// re-sent its datagram.
struct FirewallRule {
    std::string family;  // "inet", "ip", …
    std::string table;
    std::string chain;
    std::string hook;  // "input", "output", … ("" for a chain reached by jump)
    long long handle = 0;
    std::string text;     // "udp dport 7446 counter drop"
    std::string verdict;  // "drop", "reject", "accept", "" when none
    bool touches_group_or_port = false;
    std::optional<std::uint64_t> packets_before;
    std::optional<std::uint64_t> packets_after;
    bool counter_rose() const {
        return packets_before && packets_after && *packets_after > *packets_before;
    }
};

// What the firewall says about a refused or lost datagram: read when a row failed that way.
struct FirewallEvidence {
    bool looked = false;
    bool ruleset_read = false;
    std::string tool;
    std::string note;  // why the rules could not be read and how to look by hand
    std::vector<std::string> resent_on;
    std::vector<FirewallRule> rules;
};

// The reverse-path filter's drop counter around the probe, and whether peers were expected
// to send to this host meanwhile (Zenoh Hellos).
struct ReversePathWatch {
    std::optional<std::uint64_t> drops_before;
    std::optional<std::uint64_t> drops_after;
    bool peers_expected = false;
};

// One direction of the two-host check: datagrams to the group and, as the control, to the
// other host's unicast address on the same port, and how many of each arrived.
struct TwoHostDirection {
    bool attempted = false;
    unsigned sent_multicast = 0;
    unsigned sent_unicast = 0;
    unsigned received_multicast = 0;
    unsigned received_unicast = 0;
    std::string send_error;  // the sender's first refused send, "" when all left
    std::string error;       // why the direction could not be checked at all
};

// Where the two-host check stopped before it could compare multicast with unicast.
enum class TwoHostStage { none, family, resolve, connect, hello, peer_listen };

// The two-host check against `netdiag peer` (--peer): the group both ways, unicast as the
// control, so a network that drops only multicast is told from a peer that is unreachable.
struct TwoHostCheck {
    bool requested = false;
    std::string peer;     // --peer as given
    std::string control;  // the resolved control endpoint, "10.0.0.2:47100"
    TwoHostStage failed_stage = TwoHostStage::none;
    std::string error;          // why the check stopped at failed_stage
    std::string local_address;  // this host's address facing the peer
    std::string local_interface;
    std::string peer_address;
    std::uint16_t peer_port = 0;   // where the peer listened for the group
    std::uint16_t local_port = 0;  // where this host listened for the peer's datagrams
    unsigned count = 0;            // datagrams of each kind per direction
    TwoHostDirection to_peer;
    TwoHostDirection from_peer;
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
    ZenohSocketLayout zenoh_socket;
    FirewallEvidence firewall;
    ReversePathWatch reverse_path;
    // The host's Windows Firewall facts (not applicable elsewhere) and the programs whose
    // rules count: a copy lost on an adapter is judged against them.
    platform::firewall::HostFirewall windows_firewall;
    std::vector<std::string> programs;
    TwoHostCheck two_host;
};

}  // namespace netdiag::probes::multicast
