#include "probes/multicast/zenoh_scout_check.hpp"

#include <fmt/format.h>

#include "probes/multicast/findings_common.hpp"

namespace netdiag::probes::multicast {
namespace {

namespace mc = platform::multicast;
namespace zenoh = proto::zenoh;

}  // namespace

void ZenohScout::send(MulticastFacts& facts) {
    facts.zenoh.attempted = true;
    sent_at_ = std::chrono::steady_clock::now();
    // Routers and peers answer a Scout for them; clients never answer.
    const auto scout = zenoh::encode(zenoh::Scout{});
    facts.zenoh.own_scout.assign(scout.begin(), scout.end());
    for (const auto& row : facts.interfaces) {
        if (!row.skipped.empty()) continue;  // the interfaces the loop-back checks try
        Outlet outlet{row.name, {}};
        SysError error = outlet.socket.open(facts.family);
        if (!error) error = outlet.socket.bind({}, 0);
        if (!error && !row.is_default) {
            error = outlet.socket.set_outgoing_interface(
                {.ipv4_address = row.address, .index = row.index});
        }
        if (!error) error = outlet.socket.set_hops(1);
        if (!error) error = outlet.socket.set_loopback(true);
        if (!error) error = outlet.socket.send_to(facts.group, facts.port, scout);
        if (error) {
            facts.zenoh.send_errors.push_back(fmt::format("{}: {}", row.name, error.describe()));
            continue;
        }
        facts.zenoh.sent_on.push_back(row.name);
        if (const auto port = outlet.socket.local_port()) facts.zenoh.own_ports.push_back(*port);
        outlets_.push_back(std::move(outlet));
    }
}

void ZenohScout::collect(MulticastFacts& facts, std::chrono::steady_clock::time_point until,
                         const std::function<bool()>& interrupted) {
    using Clock = std::chrono::steady_clock;
    // The window is waited out in slices so an interrupt is seen within one.
    constexpr auto slice = std::chrono::milliseconds(50);
    bool stopped = false;
    for (auto& outlet : outlets_) {
        for (;;) {
            auto got = outlet.socket.receive(stopped ? Clock::now()
                                                     : std::min(until, Clock::now() + slice));
            if (!got.datagram) {
                if (!got.timed_out || stopped || Clock::now() >= until) break;
                if (interrupted && interrupted()) {
                    stopped = true;
                    facts.zenoh.window_ms =
                        static_cast<unsigned>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  Clock::now() - sent_at_)
                                                  .count());
                }
                continue;
            }
            const auto& d = *got.datagram;
            const auto source = endpoint_text(d.source_address, d.source_port);
            auto decoded = zenoh::decode_hello(d.bytes);
            if (!decoded) {
                facts.zenoh.undecodable.push_back(
                    fmt::format("{}: {}", source, decoded.error().describe()));
                continue;
            }
            facts.zenoh.answers.push_back({outlet.interface, source, std::move(decoded.value())});
        }
    }
    outlets_.clear();
}

}  // namespace netdiag::probes::multicast
