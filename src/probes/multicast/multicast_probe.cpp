#include "probes/multicast/multicast_probe.hpp"
#include "probes/multicast/multicast_options.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "firewall/inbound_judgement.hpp"
#include "netdiag/shared_accept.hpp"
#include "probes/multicast/multicast_checks.hpp"
#include "probes/multicast/multicast_findings.hpp"
#include "probes/multicast/multicast_report.hpp"
#include "probes/multicast/two_host_check.hpp"
#include "probes/multicast/zenoh_scout_check.hpp"

namespace netdiag::probes::multicast {
namespace {

namespace mc = platform::multicast;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Loopback delivery takes microseconds; this only bounds a datagram that never comes.
constexpr milliseconds kLoopbackWait{300};
// Left at the end of the deadline for judging and writing the result.
constexpr milliseconds kDeadlineMargin{100};

// A port nobody holds, for the loopback checks when the real port is taken: membership and
// loopback do not depend on the port number.
std::uint16_t spare_port(mc::Family family) {
    mc::MulticastSocket socket;
    if (socket.open(family) || socket.bind({}, 0)) return 0;
    return socket.local_port().value_or(0);
}

class MulticastProbe final : public Probe {
public:
    ProbeResult run(ProbeContext& context) override {
        ProbeResult result;
        const auto& options = context.options().get<MulticastOptions>();
        const auto& shared = context.options().get<SharedProbeOptions>();
        probes::multicast::MulticastFacts facts;
        facts.group = options.group;
        facts.port = options.port;
        const auto family = mc::family_of(facts.group);
        if (!family || !mc::is_multicast_address(facts.group)) {
            result.status = ProbeStatus::error;
            result.reason = fmt::format(
                "--group {} is not a multicast address (224.0.0.0/4 or "
                "ff00::/8)",
                facts.group);
            return result;
        }
        facts.family = *family;
        facts.traits = mc::traits();
        facts.wsl = context.host().facts.wsl;
        facts.wsl_networking = context.host().facts.wsl_networking;
        facts.interfaces_restricted = !options.interfaces.empty();
        facts.windows_firewall = context.host().firewall;
        facts.programs = shared.firewall_programs;
        facts.programs.insert(facts.programs.begin(), platform::accept::self_executable().string());

        // Reverse-path drops are counted for the whole run, Zenoh's reply window included.
        facts.reverse_path.drops_before = mc::reverse_path_drops();

        context.progress("route for the group");
        facts.route.route = mc::route_to_group(facts.group);

        context.progress(fmt::format("bind port {}", facts.port));
        facts.binds = probes::multicast::run_bind_checks(facts);
        const bool conflict =
            std::any_of(facts.binds.begin(), facts.binds.end(),
                        [](const auto& b) { return probes::multicast::is_port_conflict(b.error); });
        if (conflict) {
            facts.owners = mc::find_udp_port_owners(facts.port);
            facts.owners_looked_up = true;
        }
        const bool zenoh_bind_taken =
            std::any_of(facts.binds.begin(), facts.binds.end(), [](const auto& b) {
                return b.as_zenoh && probes::multicast::is_port_conflict(b.error);
            });
        facts.test_port = zenoh_bind_taken ? spare_port(facts.family) : facts.port;

        context.progress("join and loop back on each interface");
        facts.interfaces =
            probes::multicast::plan_interfaces(context.host(), facts.family, options.interfaces);
        // The Scout goes out first: Zenoh nodes answer while the checks below run, and their
        // Hellos wait in the Scout sockets' buffers until the window ends.
        probes::multicast::ZenohScout scout;
        auto scout_until = Clock::now();
        if (options.zenoh_window.count() > 0 && !context.cancelled()) {
            context.progress("Zenoh scouting");
            const auto start = Clock::now();
            scout_until =
                std::min(start + options.zenoh_window, context.deadline() - kDeadlineMargin);
            facts.zenoh.window_ms = static_cast<unsigned>(std::max<long long>(
                0, std::chrono::duration_cast<milliseconds>(scout_until - start).count()));
            scout.send(facts);
        }

        const auto loop_until =
            std::min(Clock::now() + kLoopbackWait, context.deadline() - kDeadlineMargin);
        probes::multicast::run_interface_checks(facts, loop_until);
        for (auto& row : facts.interfaces) {
            if (row.tried && !row.is_default) row.rp_filter = mc::reverse_path_filter(row.name);
        }

        context.progress("Zenoh's one socket joined on every interface");
        facts.zenoh_socket = probes::multicast::run_zenoh_socket_check(facts);

        if (!context.cancelled()) {
            context.progress("firewall rules for what was refused or lost");
            facts.firewall =
                probes::multicast::look_at_firewall(facts, context.deadline() - kDeadlineMargin);
        }

        if (!shared.peer.empty() && !context.cancelled()) {
            context.progress("two hosts: the group both ways, unicast as the control");
            facts.two_host = probes::multicast::run_two_host_check(
                facts, shared.peer, context.host(), context.deadline() - kDeadlineMargin,
                [&context] { return context.interrupted(); });
        }

        if (facts.zenoh.attempted) {
            context.progress("Zenoh Hellos");
            scout.collect(facts, scout_until, [&context] { return context.interrupted(); });
        }

        facts.reverse_path.drops_after = mc::reverse_path_drops();
        facts.reverse_path.peers_expected = (facts.zenoh.attempted && facts.zenoh.window_ms > 0) ||
                                            facts.two_host.from_peer.attempted;

        result.findings = probes::multicast::judge_multicast(facts);
        result.measurements = probes::multicast::measurements(facts);
        return result;
    }
};

}  // namespace

std::unique_ptr<Probe> make_probe() {
    return std::make_unique<MulticastProbe>();
}

}  // namespace netdiag::probes::multicast
