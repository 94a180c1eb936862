// The probe interface. A probe checks one thing on the host and returns plain data; it never
// prints. Each probe folder exports one ProbeDescription; src/probes/registry.cpp lists them.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "netdiag/chart.hpp"
#include "netdiag/measurement_gate.hpp"
#include "netdiag/model.hpp"
#include "netdiag/option_spec.hpp"
#include "netdiag/platform.hpp"
#include "netdiag/probe_options.hpp"

namespace netdiag {

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

// A finding a probe can report: its page is docs/findings/<id>.md, whose title and severity
// (the first one its "**Severity:**" line names) agree with these.
struct FindingSpec {
    std::string_view id;
    Severity severity = Severity::warning;
    std::string_view title;
};

// Everything netdiag knows about a probe without running it. The CLI's options, `netdiag list`,
// the bash completion's option list, the HTML report's charts and the docs tests are derived
// from these.
struct ProbeDescription {
    std::string_view id{};
    std::string_view title{};
    std::string_view summary{};
    std::vector<std::string_view> platforms{};  // "linux", "windows"
    HostUse host_use = HostUse::waits;
    std::vector<OptionSpec> options{};  // added to `netdiag probe` in the group "Probe <id>"
    std::vector<FindingSpec> findings{};
    // The HTML report's pictures of this probe's measurements; none when empty.
    std::function<std::vector<BarChart>(const nlohmann::json& measurements)> charts{};
    std::function<std::unique_ptr<Probe>()> make{};

    std::vector<std::string_view> finding_ids() const;
};

// The one explicit list of probes, in display order.
const std::vector<ProbeDescription>& probe_registry();
const ProbeDescription* find_probe(std::string_view id);
// Options that several probes read (--peer, --program), declared once.
const std::vector<OptionSpec>& shared_probe_options();

}  // namespace netdiag
