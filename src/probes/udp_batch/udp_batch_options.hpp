// What a user sets for probe `udp-batch` (its option table is in udp_batch_description.cpp;
// --peer is shared with multicast: SharedProbeOptions).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace netdiag::probes::udp_batch {

struct UdpBatchOptions {
    std::string target;  // HOST[:PORT]: only check the OS accepts each path (default port 9)
    std::string source;  // the source address to pin (default: the one the route picks)
    std::chrono::milliseconds measure{150};  // throughput window per send path; 0 = skip
    std::size_t datagram_size = 1400;
    std::size_t batch = 32;  // datagrams per batched call
};

}  // namespace netdiag::probes::udp_batch
