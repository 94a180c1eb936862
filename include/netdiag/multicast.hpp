// Multicast as capabilities: bind a UDP port with or without address reuse (also to the group
// address itself, as Zenoh does on Unix), join a group on one interface, send with loopback on
// and receive what comes back, find which processes hold a UDP port, and ask the routing table
// where the group's traffic would go. Every call returns the portable and the native error so
// the probe can name the exact cause. The socket is written once in
// src/platform/portable/multicast_socket.cpp over each OS's shim; the rest per OS in
// src/platform/<os>/.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "netdiag/error.hpp"

namespace netdiag::platform::multicast {

enum class Family { ipv4, ipv6 };

// The native socket under MulticastSocket (src/platform/portable/multicast_socket_shim.hpp).
class MulticastSocketShim;

// The family of a numeric address, or nullopt when it is not one.
std::optional<Family> family_of(const std::string& address);
// 224.0.0.0/4 or ff00::/8.
bool is_multicast_address(const std::string& address);

// Socket options applied before bind.
struct BindMode {
    bool reuse_address = false;  // SO_REUSEADDR (Windows: lets another socket take the port)
    bool reuse_port = false;     // SO_REUSEPORT (not on Windows)
    bool exclusive = false;      // SO_EXCLUSIVEADDRUSE (Windows only)
};
// "no reuse", "SO_REUSEADDR", "SO_REUSEADDR+SO_REUSEPORT", "SO_EXCLUSIVEADDRUSE"
std::string describe(const BindMode& mode);

// What this OS offers and how Zenoh binds here, for the report and for choosing the checks.
struct PlatformTraits {
    bool has_reuse_port = false;
    bool has_exclusive_address_use = false;
    // Zenoh binds its scouting socket to the group address on Unix, to the wildcard on Windows.
    bool zenoh_binds_group_address = false;
    // Arrival interface of received datagrams is reported (IP_PKTINFO).
    bool reports_arrival_interface = false;
};
PlatformTraits traits();

// The interface a membership or an outgoing datagram uses. IPv4 names it by an address of the
// interface ("" = let the kernel choose, INADDR_ANY); IPv6 by index (0 = let the kernel choose).
struct InterfaceSelector {
    std::string ipv4_address;
    unsigned index = 0;
};

struct Datagram {
    std::vector<std::uint8_t> bytes;
    std::string source_address;
    std::uint16_t source_port = 0;
    unsigned arrival_interface = 0;  // interface index, 0 when the OS does not say
};

struct ReceiveResult {
    std::optional<Datagram> datagram;
    bool timed_out = false;
    SysError error;
};

// One UDP socket for multicast work. Move-only; closing it leaves its groups.
class MulticastSocket {
public:
    MulticastSocket();
    // Over the given native socket (tests hand in a fake one).
    explicit MulticastSocket(std::unique_ptr<MulticastSocketShim> shim);
    ~MulticastSocket();
    MulticastSocket(MulticastSocket&& other) noexcept;
    MulticastSocket& operator=(MulticastSocket&& other) noexcept;
    MulticastSocket(const MulticastSocket&) = delete;
    MulticastSocket& operator=(const MulticastSocket&) = delete;

    SysError open(Family family);
    bool is_open() const;
    void close();

    // Sets the reuse options of mode, then binds. An empty address binds the wildcard.
    SysError bind(const std::string& address, std::uint16_t port, const BindMode& mode = {});
    std::optional<std::uint16_t> local_port() const;

    // IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP.
    SysError join(const std::string& group, const InterfaceSelector& where);
    // IP_MULTICAST_IF / IPV6_MULTICAST_IF.
    SysError set_outgoing_interface(const InterfaceSelector& where);
    // IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS.
    SysError set_hops(int hops);
    // IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP.
    SysError set_loopback(bool on);

    SysError send_to(const std::string& address, std::uint16_t port,
                     std::span<const std::uint8_t> bytes);
    // Waits until deadline for one datagram (a deadline in the past polls once).
    ReceiveResult receive(std::chrono::steady_clock::time_point deadline);

private:
    struct State;
    std::unique_ptr<State> state_;
};

// A process holding a UDP port, as far as the OS tells.
struct PortOwner {
    std::string local_address;
    std::uint16_t port = 0;
    long pid = -1;        // -1 when the OS did not say (another user's process without root)
    std::string process;  // short name ("zenohd") or executable path
};

struct PortOwnerLookup {
    std::vector<PortOwner> owners;
    std::string method;  // "/proc/net/udp + /proc/PID/fd", "GetExtendedUdpTable"
    std::string note;    // why owners may be missing or unnamed; empty when complete
};
// Every UDP socket bound to port (IPv4 and IPv6).
PortOwnerLookup find_udp_port_owners(std::uint16_t port);

// Where the routing table sends traffic for the group when no interface is chosen.
struct GroupRoute {
    bool found = false;
    std::string type;  // "multicast", "unicast", "local", "blackhole", …
    std::string interface_name;
    unsigned interface_index = 0;
    std::string source;   // preferred source address, if given
    std::string gateway;  // rarely set for multicast
    std::string method;   // "netlink RTM_GETROUTE", "GetBestRoute2"
    SysError error;       // why no route (ENETUNREACH, …) or why the lookup failed
};
GroupRoute route_to_group(const std::string& group);

// Kernel settings and counters that decide multicast delivery beyond the socket calls. Each is
// nullopt where the OS has no such thing or it could not be read (Windows: all of them).

// How many groups one IPv4 socket may join (Linux: net.ipv4.igmp_max_memberships).
std::optional<int> membership_limit();
// The reverse-path filter mode the kernel applies on an interface: the larger of
// net.ipv4.conf.all.rp_filter and net.ipv4.conf.IF.rp_filter (0 off, 1 strict, 2 loose).
std::optional<int> reverse_path_filter(const std::string& interface_name);
// Datagrams the kernel has dropped for failing the reverse-path filter since boot, in this
// network namespace (Linux: IPReversePathFilter in /proc/net/netstat).
std::optional<std::uint64_t> reverse_path_drops();

// The host firewall's rules as the firewall tool prints them, for naming the rules that touch
// the group or the port. Linux: `nft -j list ruleset` (needs root).
struct FirewallRuleset {
    bool read = false;
    std::string format;  // "nft-json"
    std::string text;
    std::string tool;  // the command run
    std::string note;  // why it could not be read, and how a person looks instead
};
FirewallRuleset read_firewall_ruleset(std::chrono::steady_clock::time_point deadline);

}  // namespace netdiag::platform::multicast
