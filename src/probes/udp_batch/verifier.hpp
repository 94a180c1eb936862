// Where the probe learns what arrived: the in-process loopback sink, or `netdiag peer` on
// another host over its TCP control connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "delivery_tally.hpp"

namespace netdiag::probes::udp_batch {

class Verifier {
public:
    virtual ~Verifier() = default;
    // Tells the receiver how many datagrams of stream were sent.
    virtual void expect(std::uint32_t stream, std::uint64_t count) = 0;
    // What arrived on stream, waiting for up to `count` datagrams until the deadline;
    // nullopt when the receiver could not be asked (the reason in last_error()).
    virtual std::optional<StreamReport> collect(std::uint32_t stream, std::uint64_t count,
                                                std::chrono::steady_clock::time_point deadline) = 0;
    virtual std::string last_error() const { return {}; }
    // How long datagrams sent just now may still be on their way to the receiver. The
    // throughput windows wait this long for the receiver's count after sending; the count is
    // reported, never judged.
    virtual std::chrono::milliseconds in_flight() const { return std::chrono::milliseconds(50); }
};

}  // namespace netdiag::probes::udp_batch
