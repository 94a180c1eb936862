// Probe `shared-accept`: the description the registry lists, with its option table.
#include "netdiag/shared_accept.hpp"
#include "probes/option_builders.hpp"
#include "probes/shared_accept/accept_charts.hpp"
#include "probes/shared_accept/shared_accept_options.hpp"
#include "probes/shared_accept/shared_accept_probe.hpp"

namespace netdiag::probes::shared_accept {

ProbeDescription description() {
    using namespace option_builders;
    using O = SharedAcceptOptions;
    return {
        .id = "shared-accept",
        .title = "Several workers accepting on one port",
        .summary =
            "Starts N workers sharing one listening port the ways servers do "
            "(inherited socket with accept/epoll, threads with their own loop, "
            "SO_REUSEPORT; Windows: duplicated socket with IOCP + AcceptEx or poll), "
            "drives M loopback connections and reports failures with their codes and "
            "the spread across workers (--accept-workers, --accept-connections)",
        .platforms = {"linux", "windows"},
        .host_use = HostUse::works_alongside,
        .options =
            {
                number_option("--accept-workers", &O::workers, 1, 64, "UINT",
                              "shared-accept: workers sharing the listening port")
                    .shows_default(),
                number_option("--accept-connections", &O::connections, 1, 100000, "UINT",
                              "shared-accept: client connections per pattern")
                    .shows_default(),
                number_option("--accept-concurrency", &O::concurrency, 1, 1024, "UINT",
                              "shared-accept: client connections in flight at once")
                    .shows_default(),
                // The patterns this OS runs, and the ones it reports as unavailable (reuseport on
                // Windows).
                text_option("--accept-pattern", &O::patterns, "ID",
                            "shared-accept: run only this pattern (repeatable; see docs/probes/"
                            "shared-accept.md)")
                    .checked(
                        [](const std::string& value) -> std::string {
                            std::string known;
                            for (const auto& p : platform::accept::patterns()) {
                                if (p.id == value) return {};
                                known += (known.empty() ? "" : ", ") + p.id;
                            }
                            for (const auto& p : platform::accept::unavailable_patterns()) {
                                if (p.id == value) return {};
                                known += (known.empty() ? "" : ", ") + p.id;
                            }
                            return "unknown pattern '" + value + "'; patterns on this OS: " + known;
                        },
                        "no-such-pattern"),
            },
        .findings =
            {
                {"ND-ACCEPT-001", Severity::error,
                 "Multi-worker accept pattern fails on this host"},
                {"ND-ACCEPT-002", Severity::info, "Connections are spread unevenly across workers"},
                {"ND-ACCEPT-003", Severity::error, "A worker ended while serving"},
                {"ND-ACCEPT-004", Severity::warning, "Open-file limit too low for the connections"},
                {"ND-ACCEPT-005", Severity::info, "Multi-worker pattern not available on this OS"},
                {"ND-ACCEPT-006", Severity::error,
                 "Connections not served though no worker failed"},
                {"ND-ACCEPT-007", Severity::error, "Workers never became ready"},
            },
        .charts = accept_charts,
        .make = [] { return make_probe(); },
    };
}

}  // namespace netdiag::probes::shared_accept
