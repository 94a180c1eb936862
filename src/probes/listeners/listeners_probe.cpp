#include "listeners_probe.hpp"
#include "listeners_options.hpp"

#include <algorithm>
#include <map>
#include <thread>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "listener_facts.hpp"
#include "listener_findings.hpp"
#include "listener_layout.hpp"
#include "listener_report.hpp"

namespace netdiag::probes::listeners {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Kept back from the deadline for the second reading, the /proc scan and the report.
constexpr milliseconds kReadingReserve{300};
// How often the window's wait looks for an interrupt.
constexpr milliseconds kWaitSlice{20};

// Waits out the window between the two readings, or less when the deadline or an interrupt
// comes first. Returns how long it waited.
milliseconds wait_window(const ProbeContext& context, milliseconds window) {
    const auto start = Clock::now();
    const auto end = std::min(start + window, context.deadline() - kReadingReserve);
    while (!context.cancelled() && Clock::now() < end) {
        std::this_thread::sleep_for(std::min<Clock::duration>(kWaitSlice, end - Clock::now()));
    }
    return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

ListenerFacts gather(const ProbeContext& context) {
    const auto& options = context.options().get<ListenersOptions>();
    pl::Query query;
    query.ports.insert(options.ports.begin(), options.ports.end());
    ListenerFacts facts;
    facts.visibility = pl::visibility();
    facts.somaxconn = pl::somaxconn();

    context.progress("reading the socket tables");
    const auto before = pl::sample_sockets(query);
    facts.window = wait_window(context, options.window);
    auto after = pl::sample_sockets(query);
    const auto holders = pl::find_holders(after);

    facts.counters_before = before.counters;
    facts.counters_after = after.counters;
    facts.problems = after.problems;
    facts.processes = holders.processes;
    facts.unreadable_processes = holders.unreadable_processes;
    facts.privileged = holders.privileged;
    facts.problems.insert(facts.problems.end(), holders.problems.begin(), holders.problems.end());
    // The same socket in both readings is the same inode (the same endpoint on Windows).
    std::map<std::tuple<int, std::string, std::uint16_t, std::uint64_t>, std::uint32_t> queued;
    for (const auto& s : before.sockets) {
        if (s.queued)
            queued[{static_cast<int>(s.transport), s.address, s.port, s.inode}] = *s.queued;
    }
    for (auto& s : after.sockets) {
        SocketObservation o;
        const auto it = queued.find({static_cast<int>(s.transport), s.address, s.port, s.inode});
        if (it != queued.end()) o.queued_before = it->second;
        o.now = std::move(s);
        facts.sockets.push_back(std::move(o));
    }
    return facts;
}

class ListenersProbe final : public Probe {
public:
    ProbeResult run(ProbeContext& context) override {
        ProbeResult result;
        const auto facts = gather(context);
        const auto groups = bind_groups(facts);
        result.findings = judge(facts);
        result.measurements = measurements(facts, groups);
        const auto& asked = context.options().get<ListenersOptions>().ports;
        std::vector<std::uint16_t> silent;
        for (const auto port : asked) {
            const bool seen = std::any_of(facts.sockets.begin(), facts.sockets.end(),
                                          [&](const auto& s) { return s.now.port == port; });
            if (!seen) silent.push_back(port);
        }
        if (!silent.empty()) result.measurements["not_listening"] = silent;
        if (facts.sockets.empty() && !facts.problems.empty()) {
            result.status = ProbeStatus::skip;
            result.reason = "could not read the socket tables: " + facts.problems.front();
        } else if (!asked.empty() && facts.sockets.empty()) {
            result.status = ProbeStatus::skip;
            result.reason =
                fmt::format("nothing listens on TCP or UDP port {}", fmt::join(asked, ", "));
        } else if (context.interrupted()) {
            result.reason = "interrupted: the window between the two readings was cut short";
        }
        return result;
    }
};

}  // namespace

std::unique_ptr<Probe> make_probe() {
    return std::make_unique<ListenersProbe>();
}

}  // namespace netdiag::probes::listeners
