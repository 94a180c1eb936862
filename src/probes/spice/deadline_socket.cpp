#include "probes/spice/deadline_socket.hpp"

#include <fmt/format.h>

#include "netdiag/platform.hpp"

namespace netdiag::spice_probe {

bool DeadlineSocket::run_until(bool& done, Clock::time_point deadline) {
    // In slices, so an interrupt is seen within one.
    constexpr auto slice = std::chrono::milliseconds(50);
    interrupted_ = false;
    io_.restart();
    while (!done && Clock::now() < deadline) {
        if (interrupt_ && interrupt_()) {
            interrupted_ = true;
            break;
        }
        io_.run_one_until(std::min(deadline, Clock::now() + slice));
        if (io_.stopped()) break;  // out of work: the operation has completed
    }
    if (done) return true;
    // Deadline: cancel whatever is pending and let its handler run with operation_aborted.
    asio::error_code ignored;
    socket_.cancel(ignored);
    io_.restart();
    io_.run();
    return false;
}

IoOutcome DeadlineSocket::from_error(const asio::error_code& ec, std::size_t bytes,
                                     const char* operation) {
    IoOutcome out;
    out.bytes = bytes;
    if (ec == asio::error::eof) {
        out.kind = IoOutcome::Kind::closed;
        out.detail = fmt::format("{}: the server closed the connection", operation);
        return out;
    }
    out.kind =
        (ec == asio::error::connection_reset) ? IoOutcome::Kind::closed : IoOutcome::Kind::failed;
    if (ec.category() == asio::system_category()) {
        out.error = platform::describe_native_error(ec.value());
        out.detail = fmt::format("{}: {}", operation, out.error.describe());
    } else {
        out.detail = fmt::format("{}: {}", operation, ec.message());
    }
    return out;
}

IoOutcome DeadlineSocket::connect(const std::string& host, std::uint16_t port,
                                  Clock::time_point deadline) {
    asio::error_code ec;
    asio::ip::tcp::resolver::results_type endpoints;
    const auto literal = asio::ip::make_address(host, ec);
    asio::ip::tcp::resolver resolver(io_);
    if (!ec) {
        endpoints = asio::ip::tcp::resolver::results_type::create(
            asio::ip::tcp::endpoint(literal, port), host, std::to_string(port));
    } else {
        bool done = false;
        resolver.async_resolve(host, std::to_string(port),
                               [&](const asio::error_code& e, auto results) {
                                   ec = e;
                                   endpoints = std::move(results);
                                   done = true;
                               });
        if (!run_until(done, deadline)) {
            resolver.cancel();
            IoOutcome out;
            out.kind = stop_kind();
            out.detail = fmt::format("resolve {}: {}", host, stop_reason());
            return out;
        }
        if (ec) return from_error(ec, 0, fmt::format("resolve {}", host).c_str());
    }

    bool done = false;
    asio::async_connect(socket_, endpoints,
                        [&](const asio::error_code& e, const asio::ip::tcp::endpoint& ep) {
                            ec = e;
                            if (!e)
                                remote_ = fmt::format("{}:{}", ep.address().to_string(), ep.port());
                            done = true;
                        });
    const auto what = fmt::format("connect {}:{}", host, port);
    if (!run_until(done, deadline)) {
        IoOutcome out;
        out.kind = stop_kind();
        out.detail = fmt::format("{}: {}", what, stop_reason());
        return out;
    }
    if (ec) return from_error(ec, 0, what.c_str());
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    return {};
}

namespace {

// The state of one async_read/async_write run to completion or to the deadline: shared by
// write_all and read_exact.
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

void DeadlineSocket::close() {
    asio::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

}  // namespace netdiag::spice_probe
