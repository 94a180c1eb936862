#include "path_trials.hpp"

#include "datagram_payload.hpp"

namespace netdiag::probes::udp_batch {
namespace {

using platform::udp::SendOutcome;
using platform::udp::SendPath;
using platform::udp::SendStatus;

// How long the receiver may stay silent before the datagrams still missing count as lost.
constexpr std::chrono::milliseconds kSettleTime{150};

SendOutcome send_once(platform::udp::UdpSocket& socket, SendPath path, const TrialSetup& setup,
                      const std::string& source, std::uint32_t stream) {
    if (auto error = socket.set_destination(setup.destination, source)) {
        SendOutcome outcome;
        outcome.status = SendStatus::rejected;
        outcome.error = error;
        outcome.failed_call =
            "set destination " + setup.destination.to_string() + " from " + source;
        return outcome;
    }
    const auto batch = make_batch(stream, 0, setup.batch, setup.datagram_size);
    return socket.send(path, batch, setup.datagram_size);
}

bool sent_any(const SendOutcome& outcome) {
    return outcome.status == SendStatus::accepted || outcome.status == SendStatus::partial;
}

}  // namespace

PathTrial run_path_trial(SendPath path, const TrialSetup& setup, StreamIds& ids) {
    PathTrial trial;
    trial.path = path;
    platform::udp::UdpSocket socket;
    if (auto error = socket.open(setup.destination.family())) {
        trial.plain.status = SendStatus::rejected;
        trial.plain.error = error;
        trial.plain.failed_call = "socket";
        return trial;
    }
    const std::uint32_t plain_stream = ids.next();
    const std::uint32_t pinned_stream = ids.next();
    if (setup.verifier != nullptr) {
        setup.verifier->expect(plain_stream, setup.batch);
        setup.verifier->expect(pinned_stream, setup.batch);
    }
    trial.plain = send_once(socket, path, setup, "", plain_stream);
    if (trial.plain.status == SendStatus::unsupported) return trial;
    if (!setup.route_source.empty()) {
        trial.pinned = send_once(socket, path, setup, setup.route_source, pinned_stream);
    } else {
        trial.pinned.status = SendStatus::unsupported;
    }
    trial.stale = send_once(socket, path, setup, setup.stale_source, ids.next());

    if (setup.verifier != nullptr) {
        const auto wait_until =
            std::min(setup.deadline, std::chrono::steady_clock::now() + kSettleTime);
        if (sent_any(trial.plain)) {
            trial.plain_delivery =
                setup.verifier->collect(plain_stream, trial.plain.datagrams, wait_until);
            if (trial.plain_delivery) trial.plain_delivery->expected = trial.plain.datagrams;
        }
        if (sent_any(trial.pinned)) {
            trial.pinned_delivery =
                setup.verifier->collect(pinned_stream, trial.pinned.datagrams, wait_until);
            if (trial.pinned_delivery) trial.pinned_delivery->expected = trial.pinned.datagrams;
        }
        // The receiver counts what the sender claimed; a partial send expected fewer.
        for (auto* delivery : {&trial.plain_delivery, &trial.pinned_delivery}) {
            if (*delivery) {
                (*delivery)->lost = (*delivery)->expected > (*delivery)->delivered
                                        ? (*delivery)->expected - (*delivery)->delivered
                                        : 0;
            }
        }
    }
    return trial;
}

Throughput measure_path(SendPath path, const TrialSetup& setup, std::chrono::milliseconds duration,
                        StreamIds& ids) {
    Throughput result;
    platform::udp::UdpSocket socket;
    // As a streaming sender sends: a connected socket naming no address when the user pinned
    // nothing, PKTINFO on every send when they did. Unconnected without a receiver that
    // listens (--udp-target): a connected socket would fail later sends with the
    // ECONNREFUSED of an ICMP port unreachable.
    const bool pinned = !setup.user_source.empty();
    const bool connected = !pinned && setup.verifier != nullptr;
    result.sender = pinned      ? "unconnected, source pinned with PKTINFO on each send"
                    : connected ? "connected, no address on each send"
                                : "unconnected, destination on each send";
    if (auto error = socket.open(setup.destination.family());
        error || (error = socket.set_destination(setup.destination, setup.user_source)) ||
        (connected && (error = socket.connect(setup.destination)))) {
        result.stopped_early = true;
        result.stopped_by.status = SendStatus::rejected;
        result.stopped_by.error = error;
        return result;
    }
    const std::uint32_t stream = ids.next();
    auto batch = make_batch(stream, 0, setup.batch, setup.datagram_size);
    std::uint32_t sequence = 0;

    const auto cpu_start = platform::udp::thread_cpu_time();
    const auto start = std::chrono::steady_clock::now();
    const auto end = std::min(setup.deadline, start + duration);
    auto now = start;
    // Cheap next to a send, but asked only every 64 batches all the same.
    constexpr unsigned kCancelCheckEvery = 64;
    for (unsigned round = 1; now < end; ++round) {
        if (round % kCancelCheckEvery == 0 && setup.interrupted && setup.interrupted()) {
            result.interrupted = true;
            break;
        }
        renumber_batch(batch, setup.datagram_size, sequence);
        const auto outcome = socket.send(path, batch, setup.datagram_size);
        result.datagrams += outcome.datagrams;
        result.bytes += outcome.bytes;
        result.syscalls += outcome.syscalls;
        result.retries += outcome.retries;
        sequence += static_cast<std::uint32_t>(setup.batch);
        now = std::chrono::steady_clock::now();
        if (outcome.status != SendStatus::accepted) {
            result.stopped_early = true;
            result.stopped_by = outcome;
            break;
        }
    }
    result.seconds = std::chrono::duration<double>(now - start).count();
    result.cpu_seconds =
        std::chrono::duration<double>(platform::udp::thread_cpu_time() - cpu_start).count();
    if (setup.verifier != nullptr) {
        const auto wait_until = std::min(setup.deadline, now + setup.verifier->in_flight());
        if (const auto report = setup.verifier->collect(stream, result.datagrams, wait_until)) {
            result.received = report->delivered;
        }
    }
    return result;
}

}  // namespace netdiag::probes::udp_batch
