#include "peer_client.hpp"

#include <istream>

namespace netdiag::udp_batch {
namespace {

// A request that has no deadline of its own (expect) still may not wait longer than this.
constexpr std::chrono::milliseconds request_timeout{1000};

}  // namespace

bool PeerClient::run_until(bool& done, Clock::time_point deadline) {
    io_.restart();
    while (!done && Clock::now() < deadline) {
        io_.run_one_until(deadline);
        if (io_.stopped() && !done) io_.restart();
    }
    if (done) return true;
    asio::error_code ignored;
    socket_.cancel(ignored);
    io_.restart();
    while (!done) io_.run_one();  // the cancelled handlers run and set done
    return false;
}

bool PeerClient::connect(const platform::udp::Endpoint& control, Clock::time_point deadline,
                         int version) {
    asio::error_code ec;
    const auto address = asio::ip::make_address(control.address, ec);
    if (ec) {
        error_ = "bad address " + control.address;
        return false;
    }
    bool done = false;
    asio::error_code result;
    socket_.async_connect({address, control.port}, [&](const asio::error_code& e) {
        result = e;
        done = true;
    });
    if (!run_until(done, deadline)) {
        error_ = "connect " + control.to_string() + ": timed out";
        return false;
    }
    if (result) {
        error_ = "connect " + control.to_string() + ": " + result.message();
        return false;
    }
    PeerRequest hello_request;
    hello_request.version = version;
    const auto hello = request(hello_request, deadline);
    if (!hello) return false;
    const auto port = hello->find("udp_port");
    if (port == hello->end() || !port->is_number_unsigned() || port->get<unsigned>() > 65535) {
        error_ = "peer's hello has no udp_port";
        return false;
    }
    udp_ = {control.address, static_cast<std::uint16_t>(port->get<unsigned>())};
    return true;
}

std::string PeerClient::local_address() const {
    asio::error_code ec;
    const auto local = socket_.local_endpoint(ec);
    return ec ? std::string() : local.address().to_string();
}

void PeerClient::close() {
    if (!socket_.is_open()) return;
    request({PeerOp::bye}, Clock::now() + std::chrono::milliseconds(200));
    asio::error_code ignored;
    socket_.close(ignored);
}

std::optional<nlohmann::json> PeerClient::request(const PeerRequest& req,
                                                  Clock::time_point deadline) {
    if (!socket_.is_open()) {
        error_ = "control connection is closed";
        return std::nullopt;
    }
    const std::string line = encode_request(req);
    bool done = false;
    asio::error_code result;
    asio::async_write(socket_, asio::buffer(line), [&](const asio::error_code& e, std::size_t) {
        result = e;
        done = true;
    });
    if (!run_until(done, deadline) || result) {
        error_ = "sending to peer: " + (result ? result.message() : std::string("timed out"));
        return std::nullopt;
    }
    done = false;
    asio::async_read_until(socket_, input_, '\n', [&](const asio::error_code& e, std::size_t) {
        result = e;
        done = true;
    });
    if (!run_until(done, deadline) || result) {
        error_ = "reading from peer: " + (result ? result.message() : std::string("timed out"));
        asio::error_code ignored;
        socket_.close(ignored);  // a late answer would be read as the next one's
        return std::nullopt;
    }
    std::istream stream(&input_);
    std::string answer;
    std::getline(stream, answer);
    auto json = parse_response(answer, error_);
    if (!json) error_ = "peer answered: " + error_;
    return json;
}

void PeerClient::expect(std::uint32_t stream, std::uint64_t count) {
    request({PeerOp::expect, peer_protocol_version, stream, count, 0},
            Clock::now() + request_timeout);
}

std::optional<StreamReport> PeerClient::collect(std::uint32_t stream, std::uint64_t count,
                                                Clock::time_point deadline) {
    const auto now = Clock::now();
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    const auto wait_ms = static_cast<std::uint32_t>(std::max<long long>(0, wait.count()));
    // The peer waits up to wait_ms; the answer then still has to travel back.
    const auto answer = request({PeerOp::report, peer_protocol_version, stream, count, wait_ms},
                                deadline + request_timeout);
    if (!answer) return std::nullopt;
    const auto report = answer->find("report");
    if (report == answer->end()) {
        error_ = "peer's answer has no report";
        return std::nullopt;
    }
    auto parsed = stream_report_from_json(*report);
    if (!parsed) error_ = "peer's report is malformed";
    return parsed;
}

}  // namespace netdiag::udp_batch
