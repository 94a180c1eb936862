// Runs one send path the way a streaming host would: a batch without PKTINFO, one pinned to the
// route's source address, one pinned to an address the host does not own; then a bounded
// throughput measurement.
#pragma once

#include <chrono>
#include <functional>

#include "netdiag/udp_send.hpp"
#include "udp_batch_run.hpp"
#include "verifier.hpp"

namespace netdiag::probes::udp_batch {

struct TrialSetup {
    platform::udp::Endpoint destination;
    std::string route_source;  // empty: the pinned trial is skipped
    std::string user_source;   // --udp-source: the throughput windows pin it too
    std::string stale_source;
    std::size_t datagram_size = 1400;
    std::size_t batch = 32;
    Verifier* verifier = nullptr;  // null: sends are not verified (--udp-target)
    std::chrono::steady_clock::time_point deadline;
    // Asked now and then while measuring: true ends the measurement early (the user
    // interrupted netdiag; the deadline already bounds the window).
    std::function<bool()> interrupted;
};

class StreamIds {
public:
    explicit StreamIds(std::uint32_t first) : next_(first) {}
    std::uint32_t next() { return next_++; }

private:
    std::uint32_t next_;
};

// The plain, pinned and stale sends of one path, with deliveries collected from the verifier.
PathTrial run_path_trial(platform::udp::SendPath path, const TrialSetup& setup, StreamIds& ids);

// Sends batches by the path for `duration` (pinned to the route source, as streaming hosts
// send), counting datagrams, bytes, calls and the thread's CPU time.
Throughput measure_path(platform::udp::SendPath path, const TrialSetup& setup,
                        std::chrono::milliseconds duration, StreamIds& ids);

}  // namespace netdiag::probes::udp_batch
