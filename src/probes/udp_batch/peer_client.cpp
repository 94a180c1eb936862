#include "peer_client.hpp"

namespace netdiag::probes::udp_batch {
namespace {

// A request that has no deadline of its own (expect) still may not wait longer than this.
constexpr std::chrono::milliseconds kRequestTimeout{1000};

// Why a request failed, in the words the peer client's errors have always used.
std::string reason_of(const IoOutcome& outcome) {
    switch (outcome.kind) {
        case IoOutcome::Kind::timed_out:
            return "timed out";
        case IoOutcome::Kind::interrupted:
            return "interrupted";
        default:
            return outcome.reason;
    }
}

}  // namespace

bool PeerClient::connect(const platform::udp::Endpoint& control, Clock::time_point deadline,
                         int version) {
    const auto connected = socket_.connect(control.address, control.port, deadline);
    if (!connected.ok()) {
        // "connect HOST:PORT: why": the multicast probe's two-host check tells a connection
        // failure from a bad hello by this prefix.
        error_ = "connect " + control.to_string() + ": " + reason_of(connected);
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
    return socket_.local_address();
}

void PeerClient::close() {
    if (!socket_.is_open()) return;
    request({PeerOp::bye}, Clock::now() + std::chrono::milliseconds(200));
    socket_.close();
}

std::optional<nlohmann::json> PeerClient::request(const PeerRequest& req,
                                                  Clock::time_point deadline) {
    if (!socket_.is_open()) {
        error_ = "control connection is closed";
        return std::nullopt;
    }
    const std::string line = encode_request(req);
    const auto sent = socket_.write_all(
        {reinterpret_cast<const std::uint8_t*>(line.data()), line.size()}, deadline);
    if (!sent.ok()) {
        error_ = "sending to peer: " + reason_of(sent);
        return std::nullopt;
    }
    std::string answer;
    const auto received = socket_.read_line(answer, kMaxLineBytes, deadline);
    if (!received.ok()) {
        error_ = "reading from peer: " + reason_of(received);
        socket_.close();  // a late answer would be read as the next one's
        return std::nullopt;
    }
    auto json = parse_response(answer, error_);
    if (!json) error_ = "peer answered: " + error_;
    return json;
}

void PeerClient::expect(std::uint32_t stream, std::uint64_t count) {
    request({PeerOp::expect, kPeerProtocolVersion, stream, count, 0},
            Clock::now() + kRequestTimeout);
}

std::optional<StreamReport> PeerClient::collect(std::uint32_t stream, std::uint64_t count,
                                                Clock::time_point deadline) {
    const auto now = Clock::now();
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    const auto wait_ms = static_cast<std::uint32_t>(std::max<long long>(0, wait.count()));
    // The peer waits up to wait_ms; the answer then still has to travel back.
    const auto answer = request({PeerOp::report, kPeerProtocolVersion, stream, count, wait_ms},
                                deadline + kRequestTimeout);
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

}  // namespace netdiag::probes::udp_batch
