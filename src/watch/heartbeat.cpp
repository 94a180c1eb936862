#include "watch/heartbeat.hpp"

#include <array>
#include <cstring>

namespace netdiag::watch {

Heartbeat::Heartbeat(asio::io_context& io, platform::udp::Endpoint target,
                     std::string pinned_source, std::chrono::milliseconds interval,
                     ErrorSink on_error)
    : timer_(io),
      target_(std::move(target)),
      pinned_source_(std::move(pinned_source)),
      interval_(interval),
      on_error_(std::move(on_error)) {}

SysError Heartbeat::start() {
    if (auto error = socket_.open(target_.family())) return error;
    // Unconnected, like a streaming sender: an ICMP error from the target does not turn into a
    // socket error on the next send, so every error recorded is about the local path.
    if (auto error = socket_.set_destination(target_, pinned_source_)) return error;
    timer_.expires_after(std::chrono::milliseconds(0));
    schedule();
    return {};
}

void Heartbeat::stop() {
    timer_.cancel();
}

void Heartbeat::schedule() {
    timer_.async_wait([this](const asio::error_code& ec) {
        if (ec) return;  // cancelled
        send_one();
        // Fixed rate, not fixed delay: the schedule does not drift with the send's own time.
        timer_.expires_at(timer_.expiry() + interval_);
        schedule();
    });
}

void Heartbeat::send_one() {
    static constexpr char kText[] = "netdiag watch heartbeat";
    std::array<std::byte, sizeof kText - 1> payload{};
    std::memcpy(payload.data(), kText, payload.size());
    const auto outcome =
        socket_.send(platform::udp::SendPath::per_datagram, payload, payload.size());
    if (outcome.status == platform::udp::SendStatus::accepted) {
        ++sent_;
        return;
    }
    ++failed_;
    on_error_(outcome.error);
}

}  // namespace netdiag::watch
