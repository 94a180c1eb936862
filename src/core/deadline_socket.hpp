// A TCP client socket whose every operation has a deadline and can be interrupted: start the
// asynchronous operation, run the socket's own io_context until it completes, the deadline
// passes or the interrupt check says stop, and cancel what has not finished. Every network wait
// of a probe's client side goes through it (the SPICE client, the `netdiag peer` control
// connection), so none outlives the probe's deadline or ignores Ctrl-C.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include <asio.hpp>

#include "netdiag/error.hpp"

namespace netdiag {

struct IoOutcome {
    using Clock = std::chrono::steady_clock;
    enum class Kind { ok, timed_out, interrupted, closed, failed };
    Kind kind = Kind::ok;
    std::size_t bytes = 0;  // transferred before the operation ended
    // When the last of those bytes arrived (reads only): a peer that still trickles bytes at
    // the deadline is told apart from one that went silent.
    std::optional<Clock::time_point> last_progress;
    SysError error;      // for failed (and closed by reset): the OS's code
    std::string detail;  // one line: what failed and why
    std::string reason;  // why alone, without the operation (for failed and closed)

    bool ok() const { return kind == Kind::ok; }
};

class DeadlineSocket {
public:
    using Clock = std::chrono::steady_clock;

    DeadlineSocket() = default;
    DeadlineSocket(const DeadlineSocket&) = delete;
    DeadlineSocket& operator=(const DeadlineSocket&) = delete;

    // Resolves host within the deadline (a literal address skips the resolver) and connects
    // to the first endpoint that accepts.
    IoOutcome connect(const std::string& host, std::uint16_t port, Clock::time_point deadline);
    IoOutcome write_all(std::span<const std::uint8_t> data, Clock::time_point deadline);
    IoOutcome read_exact(std::span<std::uint8_t> out, Clock::time_point deadline);
    // One line up to '\n' (not included in `line`); a line longer than max_bytes fails. What
    // came after the '\n' is kept for the next call.
    IoOutcome read_line(std::string& line, std::size_t max_bytes, Clock::time_point deadline);
    void close();
    bool is_open() const { return socket_.is_open(); }
    // Asked every few tens of milliseconds while waiting: true ends the wait at once, and the
    // operation reports Kind::interrupted instead of a timeout.
    void set_interrupt(std::function<bool()> interrupted) { interrupt_ = std::move(interrupted); }

    // "address:port" of the peer once connected; this host's address on the connection.
    std::string remote_endpoint() const { return remote_; }
    std::string local_address() const;

private:
    // Runs the io_context until `done` is set, the deadline passes or an interrupt; then it
    // cancels outstanding work and runs the handlers out. Returns false when not done.
    bool run_until(bool& done, Clock::time_point deadline);
    // What ended the last wait that did not complete: the deadline or an interrupt.
    IoOutcome::Kind stop_kind() const {
        return interrupted_ ? IoOutcome::Kind::interrupted : IoOutcome::Kind::timed_out;
    }
    const char* stop_reason() const {
        return interrupted_ ? "netdiag was interrupted" : "no answer before the deadline";
    }
    IoOutcome stopped(const std::string& what) const;
    IoOutcome from_error(const asio::error_code& ec, std::size_t bytes, const std::string& what);

    asio::io_context io_;
    asio::ip::tcp::socket socket_{io_};
    std::string input_;  // read but not yet returned by read_line
    std::string remote_;
    std::function<bool()> interrupt_;
    bool interrupted_ = false;
};

}  // namespace netdiag
