// Where the CLI writes, and what it knows about those streams. Tests pass string streams.
#pragma once

#include <atomic>
#include <chrono>
#include <ostream>

namespace netdiag::cli {

struct CliIo {
    std::ostream& out;
    std::ostream& err;
    bool out_is_terminal = false;
    bool err_is_terminal = false;
    bool no_color = false;  // NO_COLOR set in the environment
    // Set by SIGINT/SIGTERM; nullptr when nobody listens for signals.
    const std::atomic<bool>* interrupt = nullptr;
};

// How long a host name given to a command (--listen, --heartbeat) may take to resolve before the
// command gives up: the command has not started, so this is all the user waits.
inline constexpr std::chrono::seconds kLookupWait{10};

}  // namespace netdiag::cli
