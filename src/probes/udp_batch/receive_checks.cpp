#include "receive_checks.hpp"

#include <algorithm>
#include <vector>

#include "netdiag/udp_receive.hpp"

namespace netdiag::probes::udp_batch {

namespace receive_checks_detail {

using platform::udp::Endpoint;
using platform::udp::Family;
using platform::udp::UdpSocket;
using Clock = std::chrono::steady_clock;

// Loopback delivers inside the send call; this only bounds a wait for what never comes, and
// stays within the 50 ms in which a probe notices an interrupt.
constexpr std::chrono::milliseconds kLoopbackReadWait{50};

std::chrono::milliseconds wait_until(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return std::clamp(left, std::chrono::milliseconds(0), kLoopbackReadWait);
}

std::string loopback_address(Family family) {
    return family == Family::ipv4 ? "127.0.0.1" : "::1";
}

// A receiver bound to an ephemeral loopback port; the error names what failed.
SysError open_receiver(UdpSocket& receiver, Family family, std::string& failed) {
    if (auto error = receiver.open(family)) {
        failed = "socket";
        return error;
    }
    if (auto error = receiver.bind(Endpoint{loopback_address(family), 0})) {
        failed = "bind " + Endpoint{loopback_address(family), 0}.to_string();
        return error;
    }
    return {};
}

platform::udp::SendOutcome refused(const SysError& error, std::string call) {
    platform::udp::SendOutcome outcome;
    outcome.status = platform::udp::SendStatus::rejected;
    outcome.error = error;
    outcome.failed_call = std::move(call);
    return outcome;
}

}  // namespace receive_checks_detail

EcnCheck check_ecn(platform::udp::Family family, std::chrono::steady_clock::time_point deadline) {
    using namespace receive_checks_detail;
    EcnCheck check;
    check.family = family;
    check.receive_option = platform::udp::ecn_receive_option(family);
    check.send_control = platform::udp::ecn_send_control(family);
    check.mark_sent = platform::udp::kEcnEct0;
    UdpSocket receiver;
    std::string failed;
    if (auto error = open_receiver(receiver, family, failed)) {
        check.skipped = "no loopback receiver: " + failed + ": " + error.describe();
        return check;
    }
    check.receive_option_error = platform::udp::enable_ecn_receive(receiver);
    // The marked datagram goes out even when the option was refused: whether the send side
    // takes the mark is a fact of its own.
    UdpSocket sender;
    const auto destination = receiver.local_endpoint();
    const std::vector<std::byte> payload(64, std::byte{0x5a});
    if (auto error = sender.open(family)) {
        check.send = refused(error, "socket");
    } else if (!destination) {
        check.send = refused(SysError{}, "getsockname");
    } else {
        check.send = platform::udp::send_ecn_marked(sender, *destination, payload, check.mark_sent);
    }
    if (check.send.status != platform::udp::SendStatus::accepted) return check;
    std::vector<std::byte> buffer(65536);
    const auto message = platform::udp::receive_message(receiver, buffer, wait_until(deadline));
    check.receive_error = message.error;
    if (message.size > 0) {
        check.arrived = true;
        check.mark_read = message.ecn;
    }
    return check;
}

CoalescingCheck check_receive_coalescing(platform::udp::UdpSocket& receiver,
                                         platform::udp::UdpSocket& sender,
                                         std::chrono::steady_clock::time_point deadline) {
    using namespace receive_checks_detail;
    CoalescingCheck check;
    check.option = platform::udp::coalescing_option();
    check.control = platform::udp::coalescing_control();
    check.segment_size = kCoalescingSegmentSize;
    check.segments = kCoalescingSegments;
    // Refused: the OS has no receive coalescing, and nothing is sent (a batch the sender's
    // stack left unsegmented is ND-UDP-002's, not a coalescing fault).
    check.option_error = platform::udp::enable_receive_coalescing(receiver, 65535);
    if (check.option_error) return check;

    const auto destination = receiver.local_endpoint();
    const std::vector<std::byte> payload(check.segment_size * check.segments, std::byte{0xa5});
    if (!destination) {
        check.send = refused(SysError{}, "getsockname");
        return check;
    }
    if (auto error = sender.set_destination(*destination)) {
        check.send = refused(error, "set_destination");
        return check;
    }
    check.send_path = platform::udp::to_string(platform::udp::SendPath::segment_cmsg);
    check.send = sender.send(platform::udp::SendPath::segment_cmsg, payload, check.segment_size);
    if (check.send.status != platform::udp::SendStatus::accepted) {
        check.send_path = platform::udp::to_string(platform::udp::SendPath::per_datagram);
        check.send =
            sender.send(platform::udp::SendPath::per_datagram, payload, check.segment_size);
    }
    if (check.send.status == platform::udp::SendStatus::rejected) return check;

    std::vector<std::byte> buffer(65536);
    std::size_t received = 0;
    while (received < check.send.bytes && check.reads.size() < check.segments * 2) {
        const auto message = platform::udp::receive_message(receiver, buffer, wait_until(deadline));
        if (message.error) {
            check.receive_error = message.error;
            break;
        }
        if (message.timed_out) break;
        check.reads.push_back({message.size, message.segment_size});
        received += message.size;
    }
    return check;
}

CoalescingCheck check_receive_coalescing(std::chrono::steady_clock::time_point deadline) {
    using namespace receive_checks_detail;
    UdpSocket receiver;
    UdpSocket sender;
    std::string failed;
    SysError error = open_receiver(receiver, Family::ipv4, failed);
    if (!error) {
        error = sender.open(Family::ipv4);
        failed = "socket";
    }
    if (error) {
        CoalescingCheck check;
        check.option = platform::udp::coalescing_option();
        check.skipped = "no loopback sockets: " + failed + ": " + error.describe();
        return check;
    }
    return check_receive_coalescing(receiver, sender, deadline);
}

ReceiveChecks run_receive_checks(std::chrono::steady_clock::time_point deadline) {
    ReceiveChecks checks;
    checks.ecn.push_back(check_ecn(platform::udp::Family::ipv4, deadline));
    checks.ecn.push_back(check_ecn(platform::udp::Family::ipv6, deadline));
    checks.coalescing = check_receive_coalescing(deadline);
    return checks;
}

}  // namespace netdiag::probes::udp_batch
