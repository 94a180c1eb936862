#include "probes/multicast/two_host_check.hpp"

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "probes/udp_batch/peer_client.hpp"
#include "probes/udp_batch/two_host_datagram.hpp"

namespace netdiag::probes::multicast {
namespace {

namespace mc = platform::multicast;
namespace ub = udp_batch;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Connecting and saying hello; an unreachable peer is reported after this, not after the
// probe's whole deadline.
constexpr milliseconds kConnectWait{2000};
// How long the receiving side waits for the datagrams (they take microseconds on a LAN).
constexpr milliseconds kArrivalWait{500};
// A request's answer on top of the wait it asked the peer for.
constexpr milliseconds kAnswerWait{1000};
// Slices of the wait for our own arrivals, so an interrupt is seen within one.
constexpr milliseconds kSlice{50};

std::uint32_t fresh_token() {
    std::random_device random;
    return random();
}

std::string interface_with_address(const platform::HostSnapshot& host, const std::string& address) {
    for (const auto& nic : host.interfaces) {
        for (const auto& a : nic.addresses) {
            if (a.address == address) return nic.name;
        }
    }
    return {};
}

unsigned json_count(const nlohmann::json& answer, const char* key) {
    const auto found = answer.find(key);
    if (found == answer.end() || !found->is_number_unsigned()) return 0;
    return static_cast<unsigned>(std::min<std::uint64_t>(found->get<std::uint64_t>(), 1u << 17));
}

// This host to the peer: the peer joins, this host sends, the peer says what came.
void check_to_peer(TwoHostCheck& check, ub::PeerClient& client, const std::string& group,
                   Clock::time_point deadline) {
    auto& d = check.to_peer;
    d.attempted = true;
    mc::MulticastSocket socket;
    if (auto e = socket.open(mc::Family::ipv4)) {
        d.error = "socket: " + e.describe();
        return;
    }
    if (auto e = socket.set_outgoing_interface({check.local_address, 0})) {
        d.error = "IP_MULTICAST_IF " + check.local_address + ": " + e.describe();
        return;
    }
    (void)socket.set_hops(1);
    (void)socket.set_loopback(false);
    const auto token = fresh_token();
    for (unsigned i = 0; i < check.count; ++i) {
        const auto seq = static_cast<std::uint16_t>(i);
        if (auto e =
                socket.send_to(group, check.peer_port,
                               ub::encode_two_host({ub::TwoHostKind::multicast, seq, token}))) {
            if (d.send_error.empty()) d.send_error = "send to " + group + ": " + e.describe();
        } else {
            ++d.sent_multicast;
        }
        if (auto e = socket.send_to(check.peer_address, check.peer_port,
                                    ub::encode_two_host({ub::TwoHostKind::unicast, seq, token}))) {
            if (d.send_error.empty()) {
                d.send_error = "send to " + check.peer_address + ": " + e.describe();
            }
        } else {
            ++d.sent_unicast;
        }
    }
    const auto wait = std::clamp(std::chrono::duration_cast<milliseconds>(deadline - Clock::now()),
                                 milliseconds(0), kArrivalWait);
    ub::PeerRequest report;
    report.op = ub::PeerOp::mcast_report;
    report.stream = token;
    report.count = check.count;
    report.wait_ms = static_cast<std::uint32_t>(wait.count());
    const auto answer = client.call(report, Clock::now() + wait + kAnswerWait);
    if (!answer) {
        d.error = "mcast_report: " + client.last_error();
        return;
    }
    d.received_multicast = json_count(*answer, "multicast");
    d.received_unicast = json_count(*answer, "unicast");
}

// The peer to this host: this host joins, the peer sends, this host counts.
void check_from_peer(TwoHostCheck& check, ub::PeerClient& client, const std::string& group,
                     Clock::time_point deadline, const std::function<bool()>& interrupted) {
    auto& d = check.from_peer;
    d.attempted = true;
    mc::MulticastSocket socket;
    if (auto e = socket.open(mc::Family::ipv4)) {
        d.error = "socket: " + e.describe();
        return;
    }
    if (auto e = socket.bind("", 0)) {
        d.error = "bind: " + e.describe();
        return;
    }
    if (auto e = socket.join(group, {check.local_address, 0})) {
        d.error = fmt::format("join {} on {}: {}", group, check.local_address, e.describe());
        return;
    }
    check.local_port = socket.local_port().value_or(0);
    const auto token = fresh_token();
    ub::PeerRequest send;
    send.op = ub::PeerOp::mcast_send;
    send.group = group;
    send.port = check.local_port;
    send.stream = token;
    send.count = check.count;
    const auto answer = client.call(send, std::min(deadline, Clock::now() + kAnswerWait));
    if (!answer) {
        d.error = "mcast_send: " + client.last_error();
        return;
    }
    d.sent_multicast = json_count(*answer, "sent_multicast");
    d.sent_unicast = json_count(*answer, "sent_unicast");
    if (const auto e = answer->find("send_error"); e != answer->end() && e->is_string()) {
        d.send_error = e->get<std::string>();
    }
    ub::TwoHostTally tally(token);
    const auto until = std::min(deadline, Clock::now() + kArrivalWait);
    while (!tally.complete(check.count) && Clock::now() < until) {
        if (interrupted && interrupted()) break;
        const auto got = socket.receive(std::min(until, Clock::now() + kSlice));
        if (got.error) break;
        if (got.datagram) tally.add(got.datagram->bytes);
    }
    d.received_multicast = tally.multicast();
    d.received_unicast = tally.unicast();
}

}  // namespace

TwoHostCheck run_two_host_check(const MulticastFacts& facts, const std::string& peer,
                                const platform::HostSnapshot& host, Clock::time_point deadline,
                                const std::function<bool()>& interrupted) {
    TwoHostCheck check;
    check.requested = true;
    check.peer = peer;
    check.count = kTwoHostCount;
    if (facts.family != mc::Family::ipv4) {
        check.failed_stage = TwoHostStage::family;
        check.error = "the two-host check sends to IPv4 groups only; --group is IPv6";
        return check;
    }
    std::string error;
    const auto control = platform::udp::resolve_endpoint(
        peer, ub::kDefaultPeerPort, std::min(deadline, Clock::now() + kConnectWait), error);
    if (!control) {
        check.failed_stage = TwoHostStage::resolve;
        check.error = error;
        return check;
    }
    check.control = control->to_string();
    ub::PeerClient client;
    if (interrupted) client.set_interrupt(interrupted);
    if (!client.connect(*control, std::min(deadline, Clock::now() + kConnectWait),
                        ub::kPeerMulticastVersion)) {
        const auto text = client.last_error();
        check.failed_stage =
            text.find("connect ") == 0 ? TwoHostStage::connect : TwoHostStage::hello;
        check.error = text;
        return check;
    }
    check.peer_address = client.udp_endpoint().address;
    check.local_address = client.local_address();
    check.local_interface = interface_with_address(host, check.local_address);
    if (mc::family_of(check.local_address) != mc::Family::ipv4) {
        check.failed_stage = TwoHostStage::family;
        check.error = "the control connection is IPv6 (" + check.local_address +
                      "); the two-host check needs the peer's IPv4 address";
        client.close();
        return check;
    }
    ub::PeerRequest listen;
    listen.op = ub::PeerOp::mcast_listen;
    listen.group = facts.group;
    const auto listening = client.call(listen, std::min(deadline, Clock::now() + kAnswerWait));
    const unsigned port = listening ? json_count(*listening, "port") : 0;
    if (port == 0 || port > 65535) {
        check.failed_stage = TwoHostStage::peer_listen;
        check.error = listening ? "the peer's mcast_listen answer has no port"
                                : "mcast_listen: " + client.last_error();
        client.close();
        return check;
    }
    check.peer_port = static_cast<std::uint16_t>(port);

    check_to_peer(check, client, facts.group, deadline);
    if (!(interrupted && interrupted())) {
        check_from_peer(check, client, facts.group, deadline, interrupted);
    }
    client.close();
    return check;
}

}  // namespace netdiag::probes::multicast
