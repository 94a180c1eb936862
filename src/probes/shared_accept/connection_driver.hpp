// The probe's client: opens M TCP connections to the workers' port, a few at a time, and reads
// the one-line worker id each worker writes back, so the client counts who served it. Every
// connection has its own timeout and the whole run the probe's deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "netdiag/error.hpp"

namespace netdiag::probes::shared_accept {

using Clock = std::chrono::steady_clock;

struct ConnectionOutcome {
    int worker = -1;  // the id the worker wrote back; -1 when the connection failed
    std::chrono::microseconds latency{0};  // connect start → worker id received
    std::string failure;  // "" on success: "connect", "read", "timeout", "closed", "reply"
    SysError error;       // the OS's code where there is one
};

struct DriveOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;
    unsigned connections = 200;
    unsigned concurrency = 8;  // connections in flight at once
    std::chrono::milliseconds per_connection_timeout{1000};
    // Asked every few milliseconds; true ends the run early (the user interrupted netdiag).
    std::function<bool()> interrupted;
};

struct DriveResult {
    std::vector<ConnectionOutcome> connections;  // the attempted ones, in completion order
    unsigned unfinished = 0;                     // in flight or not started when the deadline came
    std::chrono::microseconds elapsed{0};
    bool cut_by_deadline = false;  // or by cancellation
};

DriveResult drive_connections(const DriveOptions& options, Clock::time_point deadline);

}  // namespace netdiag::probes::shared_accept
