// The probe interface. A probe checks one thing on the host and returns plain data; it never
// prints. Probes are listed in src/probes/registry.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "netdiag/measurement_gate.hpp"
#include "netdiag/model.hpp"
#include "netdiag/platform.hpp"

namespace netdiag {

// Options a user passes for particular probes. Each probe reads only its own fields; the CLI
// fills them (src/cli/probe_options.cpp).
struct ProbeOptions {
    // wasi-af
    std::vector<std::string> wasm_paths;
    // spice
    std::vector<std::string> spice_targets;  // HOST:PORT
    std::string spice_password;
    std::chrono::milliseconds spice_watch{2000};
    // udp-batch
    std::string
        udp_peer;  // HOST:PORT of `netdiag peer`: send through a real interface, verify there
    std::string udp_target;  // HOST[:PORT]: only check the OS accepts each path (default port 9)
    std::string udp_source;  // the source address to pin (default: the one the route picks)
    std::chrono::milliseconds udp_measure{150};  // throughput window per send path; 0 = skip
    std::size_t udp_datagram_size = 1400;
    std::size_t udp_batch = 32;  // datagrams per batched call
    // multicast
    std::string multicast_group = "224.0.0.224";  // Zenoh's scouting group; IPv6 groups too
    std::uint16_t multicast_port = 7446;
    std::vector<std::string> multicast_interfaces;  // only these (by name); empty = every one
    std::chrono::milliseconds zenoh_window{800};    // how long to collect Zenoh Hello replies
    // shared-accept
    unsigned accept_workers = 4;
    unsigned accept_connections = 200;
    unsigned accept_concurrency = 8;           // client connections in flight at once
    std::vector<std::string> accept_patterns;  // empty = every pattern this OS runs
    std::string accept_worker_binary;          // empty = netdiag itself
    // listeners
    std::vector<std::uint16_t> listen_ports;       // empty = every listening/bound port
    std::chrono::milliseconds listen_window{250};  // between the two readings of the queues
    // Windows Firewall: programs whose rules count besides netdiag's own (--program PATH)
    std::vector<std::string> firewall_programs;
};

// What the runner hands a probe. The deadline is the probe's own: a probe that waits on the
// network must not wait past it, and should poll cancelled() in long loops.
class ProbeContext {
public:
    using ProgressSink = std::function<void(std::string_view probe, std::string_view line)>;

    // Probes of one run share one gate; without one, the context has a gate of its own.
    ProbeContext(std::string probe_id, const platform::HostSnapshot& host,
                 const ProbeOptions& options, std::chrono::steady_clock::time_point deadline,
                 const std::atomic<bool>& cancel_flag, ProgressSink progress = {},
                 std::shared_ptr<MeasurementGate> gate = {});

    const std::string& probe_id() const { return probe_id_; }
    const platform::HostSnapshot& host() const { return host_; }
    const ProbeOptions& options() const { return options_; }
    std::chrono::steady_clock::time_point deadline() const { return deadline_; }
    std::chrono::milliseconds time_left() const;
    // True once the deadline has passed or the run was interrupted.
    bool cancelled() const;
    // True when the run was interrupted (SIGINT/SIGTERM) before the deadline.
    bool interrupted() const;
    // A short human line about what the probe is doing now (shown on a TTY only).
    void progress(std::string_view line) const;
    // The run's measurement gate (measurement_gate.hpp), waited for until the probe is
    // cancelled. A lock that does not own the gate means the probe was cancelled first.
    [[nodiscard]] MeasuringAlone measure_alone() const;
    [[nodiscard]] WorkingAlongside work_alongside() const;
    // The time spent waiting in the two calls above, for the report.
    std::chrono::milliseconds gate_wait() const { return gate_wait_; }

private:
    std::string probe_id_;
    const platform::HostSnapshot& host_;
    const ProbeOptions& options_;
    std::chrono::steady_clock::time_point deadline_;
    const std::atomic<bool>& cancel_flag_;
    ProgressSink progress_;
    std::shared_ptr<MeasurementGate> gate_;
    mutable std::chrono::milliseconds gate_wait_{0};
};

class Probe {
public:
    virtual ~Probe() = default;
    // A probe returns findings and measurements; the runner fills probe id and duration and,
    // when the probe leaves status as pass, derives the status from the findings.
    virtual ProbeResult run(ProbeContext& context) = 0;
};

// How a probe shares the host with the others of a run (measurement_gate.hpp). The runner
// starts every probe at once either way; the probe itself takes the gate, and this field says
// so in `netdiag list` and the docs.
enum class HostUse {
    waits,            // talks to the network and waits; takes no gate
    works_alongside,  // heavy work that would skew a measurement: holds the gate shared
    measures_alone,   // a timing figure: holds the gate alone while it measures
};

struct ProbeInfo {
    std::string_view id;
    std::string_view title;
    std::string_view summary;
    std::vector<std::string_view> platforms;  // "linux", "windows"
    std::vector<std::string_view> finding_ids;
    HostUse host_use = HostUse::waits;
    std::function<std::unique_ptr<Probe>()> make;
};

// The one explicit list of probes, in display order.
const std::vector<ProbeInfo>& probe_registry();
const ProbeInfo* find_probe(std::string_view id);

}  // namespace netdiag
