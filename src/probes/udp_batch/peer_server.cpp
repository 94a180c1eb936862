#include "peer_server.hpp"

#include <istream>
#include <memory>

#include <fmt/format.h>
#include <asio.hpp>

#include "datagram_sink.hpp"
#include "peer_multicast.hpp"
#include "peer_protocol.hpp"

namespace netdiag::probes::udp_batch {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kQuietBeforeReport{60};
constexpr std::chrono::milliseconds kIdleClientTimeout{30000};
constexpr std::size_t kStreamsKept = 256;

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(asio::ip::tcp::socket socket, DatagramSink& sink, const PeerServerOptions& options)
        : socket_(std::move(socket)),
          idle_(socket_.get_executor()),
          sink_(sink),
          options_(options) {}

    void start() {
        asio::error_code ec;
        const auto remote = socket_.remote_endpoint(ec);
        peer_ = ec ? std::string("unknown")
                   : remote.address().to_string() + ":" + std::to_string(remote.port());
        log("control connection from " + peer_);
        read_next();
    }

private:
    void log(const std::string& line) const {
        if (options_.log) options_.log(line);
    }

    void read_next() {
        // A client that says nothing for this long is dropped: the peer never waits forever.
        idle_.expires_after(kIdleClientTimeout);
        idle_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
            if (!ec) {
                asio::error_code ignored;
                self->socket_.close(ignored);
            }
        });
        asio::async_read_until(
            socket_, input_, '\n',
            [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
                self->idle_.cancel();
                if (ec) {
                    self->log("control connection from " + self->peer_ + " closed");
                    return;
                }
                self->handle_line();
            });
    }

    static bool is_multicast_op(PeerOp op) {
        return op == PeerOp::mcast_listen || op == PeerOp::mcast_report || op == PeerOp::mcast_send;
    }

    std::string handle_multicast(const PeerRequest& request) {
        if (version_ < kPeerMulticastVersion) {
            return encode_error(
                fmt::format("multicast requests need protocol version {}; this "
                            "connection said hello with version {}",
                            kPeerMulticastVersion, version_));
        }
        if (!multicast_) {
            asio::error_code local_ec;
            asio::error_code remote_ec;
            const auto local = socket_.local_endpoint(local_ec);
            const auto remote = socket_.remote_endpoint(remote_ec);
            if (local_ec || remote_ec) return encode_error("control connection has no address");
            multicast_ = std::make_unique<PeerMulticast>(local.address().to_string(),
                                                         remote.address().to_string());
        }
        // Waits in the I/O thread like report: a peer serves one probe at a time, and every
        // wait is capped by kMaxReportWaitMs.
        auto answer = multicast_->handle(request);
        log(multicast_->last_event());
        return answer;
    }

    void handle_line() {
        std::istream stream(&input_);
        std::string line;
        std::getline(stream, line);
        std::string error;
        const auto request = parse_request(line, error);
        std::string answer;
        bool closing = false;
        if (!request) {
            answer = encode_error(error);
        } else if (request->op == PeerOp::hello) {
            const bool known = request->version >= 1 && request->version <= kPeerProtocolVersion;
            if (known) version_ = request->version;
            answer = known ? encode_ok({{"version", request->version},
                                        {"max_version", kPeerProtocolVersion},
                                        {"udp_port", sink_.endpoint().port}})
                           : encode_error(fmt::format(
                                 "unsupported protocol version {} (this peer speaks 1 to {})",
                                 request->version, kPeerProtocolVersion));
        } else if (is_multicast_op(request->op)) {
            answer = handle_multicast(*request);
        } else if (request->op == PeerOp::expect) {
            sink_.expect(request->stream, request->count);
            answer = encode_ok();
        } else if (request->op == PeerOp::report) {
            // Waits in the I/O thread: a peer serves one probe at a time, and the wait is capped.
            const auto report =
                sink_.wait_for(request->stream, request->count, kQuietBeforeReport,
                               Clock::now() + std::chrono::milliseconds(request->wait_ms));
            log("stream " + std::to_string(request->stream) + ": " +
                std::to_string(report.delivered) + " of " + std::to_string(request->count) +
                " datagrams, " + std::to_string(report.unsegmented) + " unsegmented");
            answer = encode_ok({{"report", to_json(report)}});
            sink_.trim(kStreamsKept);
        } else {
            answer = encode_ok();
            closing = true;
        }
        auto text = std::make_shared<std::string>(std::move(answer));
        asio::async_write(
            socket_, asio::buffer(*text),
            [self = shared_from_this(), text, closing](const asio::error_code& ec, std::size_t) {
                if (ec || closing) {
                    asio::error_code ignored;
                    self->socket_.close(ignored);
                    return;
                }
                self->read_next();
            });
    }

    asio::ip::tcp::socket socket_;
    asio::steady_timer idle_;
    asio::streambuf input_{kMaxLineBytes + 1};
    DatagramSink& sink_;
    const PeerServerOptions& options_;
    std::string peer_;
    int version_ = 0;  // 0 until hello
    std::unique_ptr<PeerMulticast> multicast_;
};

void accept_next(asio::ip::tcp::acceptor& acceptor, DatagramSink& sink,
                 const PeerServerOptions& options) {
    acceptor.async_accept([&](const asio::error_code& ec, asio::ip::tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) std::make_shared<Session>(std::move(socket), sink, options)->start();
        accept_next(acceptor, sink, options);
    });
}

void watch_stop(asio::steady_timer& timer, asio::io_context& io, const PeerServerOptions& options,
                Clock::time_point end) {
    timer.expires_after(std::chrono::milliseconds(100));
    timer.async_wait([&timer, &io, &options, end](const asio::error_code& ec) {
        if (ec) return;
        const bool stop_asked = options.stop != nullptr && options.stop->load();
        if (stop_asked || (options.run_for.count() > 0 && Clock::now() >= end)) {
            io.stop();
            return;
        }
        watch_stop(timer, io, options, end);
    });
}

}  // namespace

std::string run_peer_server(const PeerServerOptions& options) {
    DatagramSink sink;
    if (auto error = sink.start(options.listen)) {
        return "cannot bind UDP " + options.listen.to_string() + ": " + error.describe();
    }
    asio::io_context io;
    asio::error_code ec;
    const auto address = asio::ip::make_address(options.listen.address, ec);
    if (ec) return "bad listen address " + options.listen.address;
    asio::ip::tcp::acceptor acceptor(io);
    const asio::ip::tcp::endpoint endpoint(address, sink.endpoint().port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return "cannot listen on TCP " + sink.endpoint().to_string() + ": " + ec.message();
    if (options.log) {
        options.log("listening on udp " + sink.endpoint().to_string() + " and tcp " +
                    sink.endpoint().to_string());
    }
    accept_next(acceptor, sink, options);
    asio::steady_timer stop_timer(io);
    watch_stop(stop_timer, io, options, Clock::now() + options.run_for);
    io.run();
    sink.stop();
    return {};
}

}  // namespace netdiag::probes::udp_batch
