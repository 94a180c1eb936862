// The one loop that waits on an Asio io_context with a deadline and an interrupt check: every
// client-side network wait runs through it (DeadlineSocket for one connection, the
// shared-accept connection driver for many), so none outlives the probe's deadline and Ctrl-C
// ends each within one slice.
#pragma once

#include <chrono>
#include <functional>

#include <asio/io_context.hpp>

namespace netdiag {

enum class WaitEnd {
    done,         // `done` said so, or the io_context ran out of work
    deadline,     // the deadline passed first
    interrupted,  // `interrupted` said stop first
};

// Runs `io` one handler at a time until `done()` is true or `io` has no work left, the
// deadline passes or `interrupted()` (may be empty) returns true; `interrupted` is asked at
// least once a slice. Pending operations are left as they are: the caller cancels them.
WaitEnd run_io_until(asio::io_context& io, std::chrono::steady_clock::time_point deadline,
                     const std::function<bool()>& done, const std::function<bool()>& interrupted,
                     std::chrono::milliseconds slice = std::chrono::milliseconds(50));

}  // namespace netdiag
