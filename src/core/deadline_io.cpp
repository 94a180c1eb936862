#include "core/deadline_io.hpp"

#include <algorithm>

namespace netdiag {

WaitEnd run_io_until(asio::io_context& io, std::chrono::steady_clock::time_point deadline,
                     const std::function<bool()>& done, const std::function<bool()>& interrupted,
                     std::chrono::milliseconds slice) {
    using Clock = std::chrono::steady_clock;
    while (!done()) {
        if (io.stopped()) return WaitEnd::done;  // out of work: whatever ran has completed
        if (interrupted && interrupted()) return WaitEnd::interrupted;
        const auto now = Clock::now();
        if (now >= deadline) return WaitEnd::deadline;
        io.run_one_until(std::min(deadline, now + slice));
    }
    return WaitEnd::done;
}

}  // namespace netdiag
