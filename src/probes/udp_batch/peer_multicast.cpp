#include "peer_multicast.hpp"

#include <chrono>

#include <fmt/format.h>

#include "two_host_datagram.hpp"

namespace netdiag::probes::udp_batch {
namespace {

namespace mc = platform::multicast;
using Clock = std::chrono::steady_clock;

std::string failed(std::string& event, const std::string& what) {
    event = what;
    return encode_error(what);
}

}  // namespace

std::string PeerMulticast::handle(const PeerRequest& request) {
    switch (request.op) {
        case PeerOp::mcast_listen:
            return listen(request);
        case PeerOp::mcast_report:
            return report(request);
        case PeerOp::mcast_send:
            return send(request);
        default:
            return failed(event_, "not a multicast request");
    }
}

std::string PeerMulticast::listen(const PeerRequest& request) {
    listener_.close();
    group_.clear();
    if (auto e = listener_.open(mc::Family::ipv4)) return failed(event_, "socket: " + e.describe());
    // The wildcard, so the same socket gets the group's datagrams and the unicast control ones;
    // a port of its own, so a program already on the group's port is not disturbed.
    if (auto e = listener_.bind("", 0)) return failed(event_, "bind: " + e.describe());
    if (auto e = listener_.join(request.group, {local_, 0})) {
        return failed(event_,
                      fmt::format("join {} on {}: {}", request.group, local_, e.describe()));
    }
    group_ = request.group;
    const auto port = listener_.local_port().value_or(0);
    event_ = fmt::format("multicast: joined {} on {}, listening on port {}", group_, local_, port);
    return encode_ok({{"port", port}, {"address", local_}});
}

std::string PeerMulticast::report(const PeerRequest& request) {
    if (!listener_.is_open() || group_.empty()) {
        return failed(event_, "mcast_report before mcast_listen");
    }
    TwoHostTally tally(request.stream);
    const auto deadline = Clock::now() + std::chrono::milliseconds(request.wait_ms);
    while (!tally.complete(request.count)) {
        const auto got = listener_.receive(deadline);
        if (got.timed_out || got.error || !got.datagram) break;
        tally.add(got.datagram->bytes);
    }
    event_ =
        fmt::format("multicast: token {}: {} of {} to the group, {} of {} unicast", request.stream,
                    tally.multicast(), request.count, tally.unicast(), request.count);
    return encode_ok({{"multicast", tally.multicast()},
                      {"unicast", tally.unicast()},
                      {"foreign", tally.foreign()}});
}

std::string PeerMulticast::send(const PeerRequest& request) {
    mc::MulticastSocket socket;
    if (auto e = socket.open(mc::Family::ipv4)) return failed(event_, "socket: " + e.describe());
    // From the interface facing the prober, one hop, and no copy to this host's own sockets.
    if (auto e = socket.set_outgoing_interface({local_, 0})) {
        return failed(event_, "IP_MULTICAST_IF " + local_ + ": " + e.describe());
    }
    (void)socket.set_hops(1);
    (void)socket.set_loopback(false);
    unsigned sent_multicast = 0;
    unsigned sent_unicast = 0;
    std::string send_error;
    for (std::uint64_t i = 0; i < request.count; ++i) {
        const auto seq = static_cast<std::uint16_t>(i);
        const auto to_group = encode_two_host({TwoHostKind::multicast, seq, request.stream});
        if (auto e = socket.send_to(request.group, request.port, to_group)) {
            if (send_error.empty()) send_error = "send to " + request.group + ": " + e.describe();
        } else {
            ++sent_multicast;
        }
        const auto to_host = encode_two_host({TwoHostKind::unicast, seq, request.stream});
        if (auto e = socket.send_to(remote_, request.port, to_host)) {
            if (send_error.empty()) send_error = "send to " + remote_ + ": " + e.describe();
        } else {
            ++sent_unicast;
        }
    }
    event_ = fmt::format("multicast: sent {} to {}:{} and {} to {}:{}{}", sent_multicast,
                         request.group, request.port, sent_unicast, remote_, request.port,
                         send_error.empty() ? "" : " (" + send_error + ")");
    return encode_ok({{"sent_multicast", sent_multicast},
                      {"sent_unicast", sent_unicast},
                      {"send_error", send_error}});
}

}  // namespace netdiag::probes::udp_batch
