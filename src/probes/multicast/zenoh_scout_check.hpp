// Zenoh multicast scouting as a Zenoh node does it: one Scout per interface to the group from
// an ephemeral-port socket; nodes answer with a unicast Hello to that socket.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "probes/multicast/multicast_facts.hpp"

namespace netdiag::probes::multicast {

class ZenohScout {
public:
    // Sends a Scout on every interface row the loop-back checks will try (the kernel's default
    // choice included, when its row is tried). Sockets stay open for collect(), so the other
    // checks can run while nodes answer.
    void send(MulticastFacts& facts);
    // Reads Hello replies until `until`, then closes the sockets.
    // Stops early once `interrupted` says so; window_ms then says how long it was.
    void collect(MulticastFacts& facts, std::chrono::steady_clock::time_point until,
                 const std::function<bool()>& interrupted = {});

private:
    struct Outlet {
        std::string interface;
        platform::multicast::MulticastSocket socket;
    };
    std::vector<Outlet> outlets_;
    std::chrono::steady_clock::time_point sent_at_;
};

}  // namespace netdiag::probes::multicast
