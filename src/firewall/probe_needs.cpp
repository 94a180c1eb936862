#include "firewall/probe_needs.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "probes/multicast/multicast_options.hpp"
#include "probes/spice/spice_options.hpp"
#include "probes/spice/spice_target.hpp"
#include "probes/udp_batch/peer_protocol.hpp"

namespace netdiag::fw {
namespace {

namespace pf = platform::firewall;

TrafficNeed single_port(std::string what, int protocol, std::uint16_t port,
                        std::string address = {}) {
    return {.what = std::move(what),
            .protocol = protocol,
            .port_first = port,
            .port_last = port,
            .local_address = std::move(address)};
}

}  // namespace

std::vector<TrafficNeed> peer_needs(std::uint16_t port) {
    return {single_port(fmt::format("netdiag peer UDP {}", port), pf::kUdp, port),
            single_port(fmt::format("netdiag peer TCP {}", port), pf::kTcp, port)};
}

NeedSet needs_for(const ProbeOptions& options, const std::string& self) {
    NeedSet needs;
    const auto& multicast = options.get<probes::multicast::MulticastOptions>();
    needs.traffic.push_back(
        single_port(fmt::format("multicast {}:{}", multicast.group, multicast.port), pf::kUdp,
                    multicast.port, multicast.group));
    for (const auto& text : options.get<probes::spice::SpiceOptions>().targets) {
        std::string error;
        if (const auto target = probes::spice::parse_spice_target(text, error)) {
            needs.traffic.push_back(
                single_port(fmt::format("SPICE TCP {}", target->port), pf::kTcp, target->port));
        }
    }
    needs.traffic.push_back({.what = "shared-accept TCP listener",
                             .protocol = pf::kTcp,
                             .port_first = kDynamicPortFirst,
                             .port_last = kDynamicPortLast,
                             .local_address = {}});
    // The default of `netdiag peer`, which `udp-batch --peer` talks to.
    for (auto& need : peer_needs(probes::udp_batch::kDefaultPeerPort))
        needs.traffic.push_back(std::move(need));
    if (!self.empty()) needs.programs.push_back(self);
    for (const auto& program : options.get<SharedProbeOptions>().firewall_programs) {
        needs.programs.push_back(program);
    }
    return needs;
}

pf::HostFirewall read_relevant_firewall(const NeedSet& needs, std::chrono::milliseconds deadline) {
    // Shared with the reading thread, which may outlive this call when the service hangs.
    struct Shared {
        std::mutex mutex;
        std::condition_variable done;
        bool finished = false;
        pf::HostFirewall result;
    };
    auto shared = std::make_shared<Shared>();
    std::thread reader([shared] {
        auto result = pf::read_host_firewall();
        const std::lock_guard lock(shared->mutex);
        shared->result = std::move(result);
        shared->finished = true;
        shared->done.notify_all();
    });
    std::unique_lock lock(shared->mutex);
    if (!shared->done.wait_for(lock, deadline, [&] { return shared->finished; })) {
        lock.unlock();
        reader.detach();
        pf::HostFirewall late;
        late.applicable = true;
        late.com.note = fmt::format("the firewall and network list did not answer within {} ms",
                                    deadline.count());
        return late;
    }
    lock.unlock();
    reader.join();
    auto result = std::move(shared->result);
    result.rules = relevant_rules(result.rules, needs);
    return result;
}

}  // namespace netdiag::fw
