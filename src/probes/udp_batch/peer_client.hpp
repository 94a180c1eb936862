// The probes' side of the `netdiag peer` control connection: a TCP client where every request
// has a deadline. It is a Verifier for udp-batch (the peer counts the datagrams the probe sends
// it); the multicast probe sends its version 2 requests through call().
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "core/deadline_socket.hpp"
#include "netdiag/udp_send.hpp"
#include "peer_protocol.hpp"
#include "verifier.hpp"

namespace netdiag::probes::udp_batch {

class PeerClient final : public Verifier {
public:
    using Clock = std::chrono::steady_clock;

    // Connects and says hello with version (udp-batch needs only 1, which every peer speaks);
    // false with last_error() on failure.
    bool connect(const platform::udp::Endpoint& control, Clock::time_point deadline,
                 int version = 1);
    // Where to send datagrams: the peer's address and the UDP port it announced.
    const platform::udp::Endpoint& udp_endpoint() const { return udp_; }
    // This host's address on the control connection: the one facing the peer.
    std::string local_address() const;
    void close();
    // Asked while waiting: true ends the wait at once (Ctrl-C during a long report wait).
    void set_interrupt(std::function<bool()> interrupted) {
        socket_.set_interrupt(std::move(interrupted));
    }
    // One request and its answer (the answer's fields when ok), within deadline.
    std::optional<nlohmann::json> call(const PeerRequest& request, Clock::time_point deadline) {
        return this->request(request, deadline);
    }

    void expect(std::uint32_t stream, std::uint64_t count) override;
    std::optional<StreamReport> collect(std::uint32_t stream, std::uint64_t count,
                                        Clock::time_point deadline) override;
    std::string last_error() const override { return error_; }

private:
    std::optional<nlohmann::json> request(const PeerRequest& request, Clock::time_point deadline);

    DeadlineSocket socket_;
    platform::udp::Endpoint udp_;
    std::string error_;
};

}  // namespace netdiag::probes::udp_batch
