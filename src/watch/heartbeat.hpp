// The watch's UDP heartbeat: a small datagram every interval to --heartbeat HOST:PORT through
// the same per-datagram send path udp-batch uses, so a link drop shows up as the socket errors
// a streaming program would get, each with its time.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "netdiag/udp_send.hpp"

namespace netdiag::watch {

class Heartbeat {
public:
    using ErrorSink = std::function<void(const SysError& error)>;

    // pinned_source: the source address every datagram carries (IP_PKTINFO / IPV6_PKTINFO), as
    // a streaming host pins it; empty lets the route choose.
    Heartbeat(asio::io_context& io, platform::udp::Endpoint target, std::string pinned_source,
              std::chrono::milliseconds interval, ErrorSink on_error);
    // Opens the socket; an error here means no heartbeat at all.
    SysError start();
    void stop();
    std::size_t sent() const { return sent_; }
    std::size_t failed() const { return failed_; }

private:
    void schedule();
    void send_one();

    asio::steady_timer timer_;
    platform::udp::Endpoint target_;
    std::string pinned_source_;
    std::chrono::milliseconds interval_;
    ErrorSink on_error_;
    platform::udp::UdpSocket socket_;
    std::size_t sent_ = 0;
    std::size_t failed_ = 0;
};

}  // namespace netdiag::watch
