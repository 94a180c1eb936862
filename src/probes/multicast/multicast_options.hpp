// What a user sets for probe `multicast` (its option table is in multicast_description.cpp; it
// also reads --peer and --program: SharedProbeOptions).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace netdiag::probes::multicast {

struct MulticastOptions {
    std::string group = "224.0.0.224";  // Zenoh's scouting group; IPv6 groups too
    std::uint16_t port = 7446;
    std::vector<std::string> interfaces;          // only these (by name); empty = every one
    std::chrono::milliseconds zenoh_window{800};  // how long to collect Zenoh Hello replies
};

}  // namespace netdiag::probes::multicast
