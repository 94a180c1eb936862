#include "core/deadline_socket.hpp"

#include <fmt/format.h>

#include "core/deadline_io.hpp"
#include "netdiag/platform.hpp"

namespace netdiag {

bool DeadlineSocket::run_until(bool& done, Clock::time_point deadline) {
    io_.restart();
    const auto end = run_io_until(
        io_, deadline, [&done] { return done; }, interrupt_);
    interrupted_ = end == WaitEnd::interrupted;
    if (done) return true;
    // Deadline or interrupt: cancel whatever is pending and let its handler run with
    // operation_aborted.
    asio::error_code ignored;
    socket_.cancel(ignored);
    io_.restart();
    io_.run();
    return false;
}

IoOutcome DeadlineSocket::stopped(const std::string& what) const {
    IoOutcome out;
    out.kind = stop_kind();
    out.detail = fmt::format("{}: {}", what, stop_reason());
    return out;
}

IoOutcome DeadlineSocket::from_error(const asio::error_code& ec, std::size_t bytes,
                                     const std::string& what) {
    IoOutcome out;
    out.bytes = bytes;
    if (ec == asio::error::eof) {
        out.kind = IoOutcome::Kind::closed;
        out.reason = "the other side closed the connection";
        out.detail = fmt::format("{}: {}", what, out.reason);
        return out;
    }
    out.kind =
        (ec == asio::error::connection_reset) ? IoOutcome::Kind::closed : IoOutcome::Kind::failed;
    if (ec.category() == asio::system_category()) {
        out.error = platform::describe_native_error(ec.value());
        out.reason = out.error.describe();
    } else {
        out.reason = ec.message();
    }
    out.detail = fmt::format("{}: {}", what, out.reason);
    return out;
}

IoOutcome DeadlineSocket::connect(const std::string& host, std::uint16_t port,
                                  Clock::time_point deadline) {
    std::string error;
    const auto addresses = platform::lookup_addresses(host, deadline, error);
    if (addresses.empty()) {
        IoOutcome out;
        out.kind = Clock::now() >= deadline ? IoOutcome::Kind::timed_out : IoOutcome::Kind::failed;
        out.detail = error;
        out.reason = error;
        return out;
    }
    std::vector<asio::ip::tcp::endpoint> endpoints;
    for (const auto& address : addresses) {
        asio::error_code ec;
        const auto parsed = asio::ip::make_address(address, ec);
        if (!ec) endpoints.emplace_back(parsed, port);
    }

    asio::error_code ec;
    bool done = false;
    asio::async_connect(socket_, endpoints,
                        [&](const asio::error_code& e, const asio::ip::tcp::endpoint& ep) {
                            ec = e;
                            if (!e)
                                remote_ = fmt::format("{}:{}", ep.address().to_string(), ep.port());
                            done = true;
                        });
    const auto what = fmt::format("connect {}:{}", host, port);
    if (!run_until(done, deadline)) return stopped(what);
    if (ec) return from_error(ec, 0, what);
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    return {};
}

std::string DeadlineSocket::local_address() const {
    asio::error_code ec;
    const auto local = socket_.local_endpoint(ec);
    return ec ? std::string() : local.address().to_string();
}

namespace {

// The state of one async_read/async_write run to completion or to the deadline: shared by
// write_all, read_exact and read_line.
struct Transfer {
    asio::error_code ec;
    std::size_t bytes = 0;
    bool done = false;

    auto handler() {
        return [this](const asio::error_code& e, std::size_t n) {
            ec = e;
            bytes = n;
            done = true;
        };
    }

    // What a transfer that did not fail came to: done, or cut by the deadline or an interrupt.
    IoOutcome outcome(bool completed, IoOutcome::Kind stopped_by, std::string detail) const {
        IoOutcome out;
        out.bytes = bytes;
        if (!completed) {
            out.kind = stopped_by;
            out.detail = std::move(detail);
        }
        return out;
    }
};

}  // namespace

IoOutcome DeadlineSocket::write_all(std::span<const std::uint8_t> data,
                                    Clock::time_point deadline) {
    Transfer t;
    asio::async_write(socket_, asio::buffer(data.data(), data.size()), t.handler());
    const bool completed = run_until(t.done, deadline);
    if (completed && t.ec) return from_error(t.ec, t.bytes, "send");
    return t.outcome(completed, stop_kind(),
                     fmt::format("send: {} of {} bytes sent, then {}", t.bytes, data.size(),
                                 interrupted_ ? "interrupted" : "the deadline"));
}

IoOutcome DeadlineSocket::read_exact(std::span<std::uint8_t> buffer, Clock::time_point deadline) {
    Transfer t;
    std::size_t seen = 0;
    std::optional<Clock::time_point> last_progress;
    // The completion condition runs after every partial read: it notes when bytes last came,
    // and otherwise asks for everything, as asio::transfer_all does.
    const auto note_progress = [&](const asio::error_code& ec, std::size_t n) -> std::size_t {
        if (n > seen) {
            seen = n;
            last_progress = Clock::now();
        }
        return ec ? 0 : buffer.size() - n;
    };
    asio::async_read(socket_, asio::buffer(buffer.data(), buffer.size()), note_progress,
                     t.handler());
    const bool completed = run_until(t.done, deadline);
    if (completed && t.ec) return from_error(t.ec, t.bytes, "receive");
    auto out = t.outcome(completed, stop_kind(),
                         fmt::format("receive: {} of {} bytes, then {}", t.bytes, buffer.size(),
                                     interrupted_ ? "interrupted" : "the deadline"));
    out.last_progress = last_progress;
    return out;
}

IoOutcome DeadlineSocket::read_line(std::string& line, std::size_t max_bytes,
                                    Clock::time_point deadline) {
    Transfer t;
    // One byte more than a line may have, so a line of exactly max_bytes still finds its '\n'.
    asio::async_read_until(socket_, asio::dynamic_buffer(input_, max_bytes + 1), '\n', t.handler());
    const bool completed = run_until(t.done, deadline);
    if (!completed) return stopped("receive");
    if (t.ec == asio::error::not_found) {
        IoOutcome out;
        out.kind = IoOutcome::Kind::failed;
        out.reason = fmt::format("a line longer than {} bytes", max_bytes);
        out.detail = "receive: " + out.reason;
        return out;
    }
    if (t.ec) return from_error(t.ec, 0, "receive");
    line.assign(input_, 0, t.bytes - 1);
    input_.erase(0, t.bytes);
    return {};
}

void DeadlineSocket::close() {
    asio::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    input_.clear();
}

}  // namespace netdiag
