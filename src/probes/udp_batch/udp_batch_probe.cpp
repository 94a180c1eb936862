#include "udp_batch_probe.hpp"
#include "udp_batch_options.hpp"

#include <random>

#include <fmt/format.h>

#include "datagram_payload.hpp"
#include "datagram_sink.hpp"
#include "path_trials.hpp"
#include "peer_client.hpp"
#include "receive_checks.hpp"
#include "send_limits.hpp"
#include "udp_findings.hpp"

namespace netdiag::probes::udp_batch {
namespace {

using platform::udp::Endpoint;
using platform::udp::Family;
using platform::udp::SendStatus;

// Time kept back from the measurements for collecting deliveries and the final checks.
constexpr std::chrono::milliseconds kReserveAfterMeasuring{400};
constexpr std::size_t kSmallestDatagram = kDatagramHeaderSize;
constexpr std::size_t kLargestDatagram = 65507;
constexpr std::size_t kLargestBatch = 1024;

class SinkVerifier final : public Verifier {
public:
    explicit SinkVerifier(DatagramSink& sink) : sink_(sink) {}
    void expect(std::uint32_t stream, std::uint64_t count) override { sink_.expect(stream, count); }
    std::optional<StreamReport> collect(std::uint32_t stream, std::uint64_t count,
                                        std::chrono::steady_clock::time_point deadline) override {
        return sink_.wait_for(stream, count, std::chrono::milliseconds(60), deadline);
    }

    // Loopback delivers inside the send call: what survived is queued by the time the send
    // returns, and the sink only has to read its queue.
    std::chrono::milliseconds in_flight() const override { return std::chrono::milliseconds(15); }

private:
    DatagramSink& sink_;
};

// An address of the destination's family that this host does not own, from the ranges kept
// for documentation (RFC 5737, RFC 3849), so no real host can be behind it.
std::string unowned_address(Family family) {
    if (family == Family::ipv6) {
        for (int i = 1; i < 16; ++i) {
            auto candidate = fmt::format("2001:db8::{:x}", i);
            if (!platform::udp::host_owns_address(candidate)) return candidate;
        }
        return "2001:db8::1";
    }
    for (int i = 1; i < 255; ++i) {
        auto candidate = fmt::format("192.0.2.{}", i);
        if (!platform::udp::host_owns_address(candidate)) return candidate;
    }
    return "192.0.2.1";
}

RouteInfo read_route(const Endpoint& destination, Verification verification,
                     const std::string& pinned_source, const platform::HostSnapshot& host) {
    RouteInfo route;
    route.destination = destination;
    route.verification = verification;
    const auto facts = platform::udp::route_to(destination);
    route.error = facts.error;
    route.mtu = facts.mtu;
    if (!pinned_source.empty()) {
        route.source = pinned_source;
    } else if (facts.source) {
        route.source = facts.source->address;
    }
    route.stale_source = unowned_address(destination.family());
    if (!route.source) return route;
    for (const auto& iface : host.interfaces) {
        for (const auto& address : iface.addresses) {
            if (address.address != *route.source) continue;
            route.interface_name = iface.name;
            route.interface_bus = iface.bus;
            route.interface_driver = iface.driver;
            route.usb_power_control = iface.usb_power_control;
        }
    }
    return route;
}

std::vector<EgressJudgement> judge_egress(const platform::HostSnapshot& host,
                                          const Endpoint* destination, std::size_t segment_size) {
    std::vector<EgressJudgement> judged;
    for (auto& facts : read_egress_facts(host, destination)) {
        auto verdict = judge_segmented_send(facts, segment_size);
        judged.push_back({std::move(facts), std::move(verdict)});
    }
    return judged;
}

std::uint32_t first_stream_id() {
    std::random_device random;
    return (random() & 0xffffu) << 16;  // a fresh range per run; a peer serves many runs
}

ProbeResult error_result(std::string reason) {
    ProbeResult result;
    result.status = ProbeStatus::error;
    result.reason = std::move(reason);
    return result;
}

class UdpBatchProbe final : public Probe {
public:
    ProbeResult run(ProbeContext& context) override;
};

ProbeResult UdpBatchProbe::run(ProbeContext& context) {
    const auto& options = context.options().get<UdpBatchOptions>();
    const auto& peer_address = context.options().get<SharedProbeOptions>().peer;
    if (options.datagram_size < kSmallestDatagram || options.datagram_size > kLargestDatagram) {
        return error_result(
            fmt::format("--udp-size must be {}..{} bytes", kSmallestDatagram, kLargestDatagram));
    }
    if (options.batch < 1 || options.batch > kLargestBatch) {
        return error_result(fmt::format("--udp-batch must be 1..{}", kLargestBatch));
    }
    UdpBatchRun run;
    run.datagram_size = options.datagram_size;
    run.batch = options.batch;
    run.os = context.host().facts.os;
    run.kernel = context.host().facts.kernel;

    DatagramSink sink;
    std::optional<SinkVerifier> sink_verifier;
    std::unique_ptr<PeerClient> peer;
    Verifier* verifier = nullptr;
    Endpoint destination;
    Verification verification = Verification::loopback;
    std::string error_text;
    if (!peer_address.empty()) {
        auto control = platform::udp::resolve_endpoint(peer_address, kDefaultPeerPort,
                                                       context.deadline(), error_text);
        if (!control) return error_result("--peer " + peer_address + ": " + error_text);
        context.progress("connecting to netdiag peer " + control->to_string());
        peer = std::make_unique<PeerClient>();
        peer->set_interrupt([&context] { return context.interrupted(); });
        if (!peer->connect(*control, context.deadline())) {
            // Cut short by Ctrl-C, the peer was not found wanting: the probe did not run.
            if (context.interrupted()) {
                ProbeResult result;
                result.status = ProbeStatus::skip;
                result.reason =
                    "interrupted while connecting to netdiag peer at " + control->to_string();
                return result;
            }
            return error_result(
                fmt::format("netdiag peer at {}: {}", control->to_string(), peer->last_error()));
        }
        destination = peer->udp_endpoint();
        verification = Verification::peer;
        verifier = peer.get();
    } else if (!options.target.empty()) {
        auto target =
            platform::udp::resolve_endpoint(options.target, 9, context.deadline(), error_text);
        if (!target) return error_result("--udp-target " + options.target + ": " + error_text);
        destination = *target;
        verification = Verification::none;
    } else {
        if (auto error = sink.start(Endpoint{"127.0.0.1", 0})) {
            return error_result("cannot open the loopback receiver: " + error.describe());
        }
        destination = sink.endpoint();
        sink_verifier.emplace(sink);
        verifier = &*sink_verifier;
    }
    if (!options.source.empty() && Endpoint{options.source, 0}.family() != destination.family()) {
        return error_result("--udp-source " + options.source +
                            " is not of the destination's family");
    }

    context.progress("reading the route to " + destination.to_string());
    run.route = read_route(destination, verification, options.source, context.host());
    context.progress("judging the path off this host");
    run.egress = judge_egress(context.host(),
                              verification == Verification::loopback ? nullptr : &destination,
                              run.datagram_size);
    context.progress("discovering the kernel's segmentation limits");
    run.limits = discover_send_limits(destination.family(), context.deadline());

    TrialSetup setup;
    setup.destination = destination;
    setup.route_source = run.route.source.value_or("");
    setup.user_source = options.source;
    setup.stale_source = run.route.stale_source;
    setup.datagram_size = run.datagram_size;
    setup.batch = run.batch;
    setup.verifier = verifier;
    setup.deadline = context.deadline();
    setup.interrupted = [&context] { return context.interrupted(); };
    StreamIds ids(first_stream_id());
    for (const auto path : platform::udp::available_send_paths()) {
        if (context.cancelled()) break;
        context.progress(fmt::format("trying {}", platform::udp::native_call(path)));
        run.trials.push_back(run_path_trial(path, setup, ids));
    }

    if (!context.cancelled()) {
        context.progress("checking ECN marks and receive coalescing on loopback");
        run.receive = run_receive_checks(context.deadline());
    }

    std::size_t measurable = 0;
    for (const auto& trial : run.trials) measurable += trial.plain.status == SendStatus::accepted;
    // The trials above only ask what the OS accepts; the throughput figures need the host to
    // themselves, so other probes' heavy work finishes first (measurement_gate.hpp).
    MeasuringAlone alone;
    if (options.measure.count() > 0 && measurable > 0 && !context.cancelled()) {
        context.progress("waiting for the host to itself");
        alone = context.measure_alone();
    }
    for (auto& trial : run.trials) {
        if (options.measure.count() <= 0 || measurable == 0 || context.cancelled()) break;
        if (trial.plain.status != SendStatus::accepted) continue;
        const auto left = context.time_left() - kReserveAfterMeasuring;
        const auto share = std::min(options.measure, left / static_cast<long>(measurable));
        --measurable;
        if (share.count() <= 0) break;
        context.progress(fmt::format("measuring {}", platform::udp::native_call(trial.path)));
        trial.throughput = measure_path(trial.path, setup, share, ids);
    }
    if (alone.owns_lock()) alone.unlock();

    if (run.route.source)
        run.source_owned_at_end = platform::udp::host_owns_address(*run.route.source);
    if (peer) peer->close();

    ProbeResult result;
    result.findings = judge(run);
    result.measurements = measurements_json(run);
    if (context.cancelled() && run.trials.size() < platform::udp::available_send_paths().size()) {
        result.reason = "deadline reached before every send path was tried";
    }
    return result;
}

}  // namespace

std::unique_ptr<Probe> make_probe() {
    return std::make_unique<UdpBatchProbe>();
}

}  // namespace netdiag::probes::udp_batch
