#include "connection_driver.hpp"

#include <memory>

#include <asio.hpp>

#include "core/deadline_io.hpp"
#include "netdiag/platform.hpp"

namespace netdiag::probes::shared_accept {
namespace {

// One connection in flight: connect, read up to the newline, record, start the next.
class Driver {
public:
    Driver(const DriveOptions& options, asio::io_context& io)
        : options_(options),
          io_(io),
          endpoint_(asio::ip::make_address(options.address), options.port) {}

    void start_slots() {
        const unsigned slots = std::max(1u, std::min(options_.concurrency, options_.connections));
        for (unsigned i = 0; i < slots; ++i) start_next();
    }

    unsigned started() const { return started_; }
    std::vector<ConnectionOutcome>& outcomes() { return outcomes_; }
    unsigned in_flight() const { return in_flight_; }

private:
    struct Connection {
        explicit Connection(asio::io_context& io) : socket(io), timer(io) {}
        asio::ip::tcp::socket socket;
        asio::steady_timer timer;
        std::string reply;
        Clock::time_point started;
        bool timed_out = false;
        bool done = false;
    };

    void start_next() {
        if (started_ >= options_.connections) return;
        ++started_;
        ++in_flight_;
        auto c = std::make_shared<Connection>(io_);
        c->started = Clock::now();
        c->timer.expires_after(options_.per_connection_timeout);
        c->timer.async_wait([c](const asio::error_code& ec) {
            if (ec || c->done) return;
            c->timed_out = true;
            asio::error_code ignored;
            c->socket.close(ignored);
        });
        c->socket.async_connect(endpoint_, [this, c](const asio::error_code& ec) {
            if (ec) return finish(c, "connect", ec);
            asio::async_read_until(c->socket, asio::dynamic_buffer(c->reply, 64), '\n',
                                   [this, c](const asio::error_code& read_ec, std::size_t) {
                                       finish(c, "read", read_ec);
                                   });
        });
    }

    void finish(const std::shared_ptr<Connection>& c, const char* step,
                const asio::error_code& ec) {
        if (c->done) return;
        c->done = true;
        c->timer.cancel();
        ConnectionOutcome outcome;
        outcome.latency =
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - c->started);
        if (c->timed_out) {
            outcome.failure = "timeout";
        } else if (ec == asio::error::eof) {
            outcome.failure = "closed";  // the worker closed without writing its id
        } else if (ec) {
            outcome.failure = step;
            outcome.error = platform::describe_native_error(ec.value());
        } else {
            try {
                outcome.worker = std::stoi(c->reply.substr(0, c->reply.find('\n')));
            } catch (const std::exception&) {
                outcome.failure = "reply";
            }
        }
        asio::error_code ignored;
        c->socket.close(ignored);
        outcomes_.push_back(outcome);
        --in_flight_;
        start_next();
    }

    const DriveOptions& options_;
    asio::io_context& io_;
    asio::ip::tcp::endpoint endpoint_;
    std::vector<ConnectionOutcome> outcomes_;
    unsigned started_ = 0;
    unsigned in_flight_ = 0;
};

}  // namespace

DriveResult drive_connections(const DriveOptions& options, Clock::time_point deadline) {
    DriveResult result;
    asio::io_context io;
    Driver driver(options, io);
    const auto start = Clock::now();
    driver.start_slots();
    // Until every connection is done (the io_context runs out of work), the deadline or an
    // interrupt, seen within 20 ms.
    run_io_until(
        io, deadline, [] { return false; }, options.interrupted, std::chrono::milliseconds(20));
    // The deadline came first when some are still in flight or unstarted: they count as
    // unfinished (the io_context closes their sockets as it is destroyed).
    result.cut_by_deadline = driver.in_flight() > 0 || driver.started() < options.connections;
    result.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    result.connections = std::move(driver.outcomes());
    const auto counted = static_cast<unsigned>(result.connections.size());
    result.unfinished = options.connections > counted ? options.connections - counted : 0;
    return result;
}

}  // namespace netdiag::probes::shared_accept
