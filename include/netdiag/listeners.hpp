// The host's own listening sockets as facts, for the `listeners` probe: each socket with its
// address, its accept queue against its backlog (where the OS tells), the processes holding it,
// what those processes are blocked in, and the kernel's listen drop counters. Only reads
// kernel state; sends nothing. Implemented per OS in src/platform/<os>/ (Linux: sock_diag
// netlink + /proc; Windows: IP Helper). Judging these facts is the probe's pure code.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace netdiag::platform::listeners {

enum class Transport { tcp, udp };
inline std::string to_string(Transport transport) {
    return transport == Transport::tcp ? "tcp" : "udp";
}

// One socket as the kernel lists it. TCP: a socket in LISTEN. UDP: a socket bound to a local
// port with no connected peer.
struct SocketFacts {
    Transport transport = Transport::tcp;
    std::string address;  // numeric local address ("0.0.0.0", "::", "127.0.0.1")
    std::uint16_t port = 0;
    std::uint64_t inode = 0;  // 0 where the OS has no such identity (Windows)
    // TCP listeners (Linux): connections completed and waiting for accept(), and the backlog
    // they are held against (already capped by net.core.somaxconn). UDP: bytes waiting.
    std::optional<std::uint32_t> queued;
    std::optional<std::uint32_t> backlog;
    std::optional<std::uint32_t> uid;  // the socket's owner as the kernel records it
    // Processes holding the socket (filled by find_holders; Windows: its one owning pid).
    std::vector<long> holders;
};

// One process that holds a socket, as far as it could be read.
struct ProcessFacts {
    long pid = 0;
    long parent = 0;  // 0 when unknown
    std::string name;
    std::string user;   // user name, or the numeric uid when it has no name
    char state = '?';   // Linux /proc/PID/stat: R running, S sleeping, T stopped, D disk, Z zombie
    std::string wchan;  // kernel function it waits in ("inet_csk_accept", "do_epoll_wait");
                        // empty when unreadable or running
};

// The kernel's counters for connections refused at listen (Linux /proc/net/netstat TcpExt):
// ListenOverflows (accept queue full) and ListenDrops (every drop at listen, overflows
// included). Counted for the whole network namespace, not per socket.
struct ListenCounters {
    std::uint64_t overflows = 0;
    std::uint64_t drops = 0;
};

struct Query {
    std::set<std::uint16_t> ports;  // empty = every listening TCP port and bound UDP port
    bool udp = true;                // also list UDP sockets
};

// One reading of the socket tables.
struct Sample {
    std::vector<SocketFacts> sockets;
    std::optional<ListenCounters> counters;
    std::vector<std::string> problems;  // what could not be read, each with why
    std::string method;                 // "sock_diag netlink", "GetExtendedTcpTable"
};

// Who holds the sampled sockets.
struct Holders {
    std::map<std::uint64_t, std::vector<long>> by_inode;  // Linux; empty on Windows
    std::map<long, ProcessFacts> processes;
    // Processes whose open files could not be read (other users' without root): the sockets
    // they may hold cannot be named.
    unsigned unreadable_processes = 0;
    bool privileged = false;  // root / elevated: every process was readable
    std::vector<std::string> problems;
    std::string method;
};

// What this OS lets the probe see, for the report to say what it could not.
struct Visibility {
    bool queues = false;              // accept queue and backlog per socket
    bool counters = false;            // listen drop counters
    bool socket_identity = false;     // sockets told apart (inode), so sharing is visible
    bool wait_channel = false;        // what a process is blocked in
    std::vector<std::string> limits;  // sentences: what this OS does not show
};
Visibility visibility();

Sample sample_sockets(const Query& query);
// Reads who holds the sockets of `sample` and fills SocketFacts::holders. Sockets held by
// netdiag itself or its own child processes (the shared-accept workers of the same run) are
// removed from the sample: they are the tool's, not the user's.
Holders find_holders(Sample& sample);
// net.core.somaxconn, the cap on every listen() backlog; nullopt where there is none to read.
std::optional<std::uint32_t> somaxconn();

}  // namespace netdiag::platform::listeners
