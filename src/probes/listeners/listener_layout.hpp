// How the sockets on one port are laid out among processes, from facts alone (pure):
// one socket held by one process, one socket inherited by several (forked workers), several
// sockets on the same address (an SO_REUSEPORT group), or a mix; and which holders are the
// workers (a master that forked them holds the socket too, but does not serve).
#pragma once

#include <string>
#include <vector>

#include "listener_facts.hpp"

namespace netdiag::probes::listeners {

enum class Layout {
    single,     // one socket, one process
    inherited,  // one socket, several worker processes
    reuseport,  // several sockets on the same address and port, one worker each
    mixed,      // several sockets, some of them shared by several workers
    unowned,    // no holder could be named
};
std::string to_string(Layout layout);

// What a process waits in, from its wait channel.
enum class Wait { unknown, accept, epoll, poll_select, other, running, stopped };
Wait wait_of(const pl::ProcessFacts& process);
std::string to_string(Wait wait);

// Sockets bound to the same transport, address and port.
struct BindGroup {
    pl::Transport transport = pl::Transport::tcp;
    std::string address;
    std::uint16_t port = 0;
    std::vector<std::size_t> sockets;  // indexes into ListenerFacts::sockets
    Layout layout = Layout::single;
};

// Every bind group, ordered by port, transport, address.
std::vector<BindGroup> bind_groups(const ListenerFacts& facts);

// The holders of one socket that serve it: a holder that is the parent of another holder is
// the master that forked the workers (gunicorn, nginx, apache) and is left out; so is pid 1
// (systemd holding a socket it activated).
std::vector<long> workers_of(const SocketObservation& socket, const ListenerFacts& facts);

// "1234 python3 (alice) S accept" for the tables and finding details.
std::string describe_process(long pid, const ListenerFacts& facts);

// "127.0.0.1:8080", "[::]:8080".
std::string endpoint(const std::string& address, std::uint16_t port);

}  // namespace netdiag::probes::listeners
