// Probe `listeners`: the description the registry lists, with its option table.
#include "probes/listeners/listeners_options.hpp"
#include "probes/listeners/listeners_probe.hpp"
#include "probes/option_builders.hpp"

namespace netdiag::probes::listeners {

ProbeDescription description() {
    using namespace option_builders;
    using O = ListenersOptions;
    return {
        .id = "listeners",
        .title = "The host's own listening sockets",
        .summary =
            "Reads the servers already running here (no traffic): per port the sockets "
            "and the processes holding them (inherited socket, SO_REUSEPORT group), "
            "the accept queue against its backlog, somaxconn, listen drops, what each "
            "worker is blocked in; flags full queues, shared sockets, stalled members "
            "(--listen-port)",
        .platforms = {"linux", "windows"},
        .options =
            {
                number_option(
                    "--listen-port", &O::ports, 1, 65535, "PORT",
                    "listeners: look only at this port, TCP and UDP (repeatable; default: "
                    "every listening port)"),
                duration_option("--listen-window", &O::window,
                                "listeners: time between the two readings of queues and drop "
                                "counters (default 250ms)"),
            },
        .findings =
            {
                {"ND-LISTEN-001", Severity::error,
                 "Accept queue full: connections are being dropped"},
                {"ND-LISTEN-002", Severity::warning,
                 "One listening socket is shared by several worker processes"},
                {"ND-LISTEN-003", Severity::error,
                 "A listener is not accepting while connections wait"},
                {"ND-LISTEN-004", Severity::info, "The backlog is capped by net.core.somaxconn"},
                {"ND-LISTEN-005", Severity::warning,
                 "Connections were dropped at listen, but no full queue was seen"},
            },
        .make = [] { return make_probe(); },
    };
}

}  // namespace netdiag::probes::listeners
