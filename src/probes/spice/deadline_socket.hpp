// A TCP client socket whose every operation has a deadline, in the style of Asio's blocking
// client with timeouts: start the asynchronous operation, run the io_context until the
// deadline, and cancel what has not finished. Partial reads report how many bytes arrived.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include <asio.hpp>

#include "netdiag/error.hpp"

namespace netdiag::spice_probe {

using Clock = std::chrono::steady_clock;

struct IoOutcome {
    enum class Kind { ok, timed_out, interrupted, closed, failed };
    Kind kind = Kind::ok;
    std::size_t bytes = 0;  // transferred before the operation ended
    // When the last of those bytes arrived (reads only): a peer that still trickles bytes at
    // the deadline is told apart from one that went silent.
    std::optional<Clock::time_point> last_progress;
    SysError error;      // for failed (and closed by reset): the OS's code
    std::string detail;  // one line: what failed and why

    bool ok() const { return kind == Kind::ok; }
};

class DeadlineSocket {
public:
    DeadlineSocket() = default;
    DeadlineSocket(const DeadlineSocket&) = delete;
    DeadlineSocket& operator=(const DeadlineSocket&) = delete;

    // Resolves host (a literal address skips the resolver) and connects to the first endpoint
    // that accepts.
    IoOutcome connect(const std::string& host, std::uint16_t port, Clock::time_point deadline);
    IoOutcome write_all(std::span<const std::uint8_t> data, Clock::time_point deadline);
    IoOutcome read_exact(std::span<std::uint8_t> out, Clock::time_point deadline);
    void close();
    // Asked every few tens of milliseconds while waiting: true ends the wait at once, and the
    // operation reports Kind::interrupted instead of a timeout.
    void set_interrupt(std::function<bool()> interrupted) { interrupt_ = std::move(interrupted); }

    std::string remote_endpoint() const { return remote_; }

private:
    // Runs the io_context until `done` is set or the deadline passes; on the deadline it
    // cancels outstanding work and runs the handlers out. Returns false on timeout.
    bool run_until(bool& done, Clock::time_point deadline);
    // What ended the last wait that did not complete: the deadline or an interrupt.
    IoOutcome::Kind stop_kind() const {
        return interrupted_ ? IoOutcome::Kind::interrupted : IoOutcome::Kind::timed_out;
    }
    const char* stop_reason() const {
        return interrupted_ ? "netdiag was interrupted" : "no answer before the deadline";
    }
    IoOutcome from_error(const asio::error_code& ec, std::size_t bytes, const char* operation);

    asio::io_context io_;
    asio::ip::tcp::socket socket_{io_};
    std::string remote_;
    std::function<bool()> interrupt_;
    bool interrupted_ = false;
};

}  // namespace netdiag::spice_probe
