// What the listeners probe saw, gathered before anything is judged: two readings of the socket
// tables a short window apart, who holds each socket, and what the kernel allows. Plain data,
// so the judgement (listener_layout, listener_findings) is unit-tested on recorded facts.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netdiag/listeners.hpp"

namespace netdiag::probes::listeners {

namespace pl = platform::listeners;

struct SocketObservation {
    pl::SocketFacts now;  // the second reading, with its holders
    // The accept queue in the first reading; nullopt when the socket was not there yet.
    std::optional<std::uint32_t> queued_before;
};

struct ListenerFacts {
    std::vector<SocketObservation> sockets;
    std::map<long, pl::ProcessFacts> processes;
    std::optional<std::uint32_t> somaxconn;
    std::optional<pl::ListenCounters> counters_before;
    std::optional<pl::ListenCounters> counters_after;
    std::chrono::milliseconds window{0};
    unsigned unreadable_processes = 0;
    bool privileged = false;
    pl::Visibility visibility;
    std::vector<std::string> problems;  // what could not be read, and why
};

}  // namespace netdiag::probes::listeners
