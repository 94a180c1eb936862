// Probe `spice`: the description the registry lists, with its option table.
#include "probes/option_builders.hpp"
#include "probes/spice/spice_options.hpp"
#include "probes/spice/spice_probe.hpp"

namespace netdiag::probes::spice {

ProbeDescription description() {
    using namespace option_builders;
    using O = SpiceOptions;
    return {
        .id = "spice",
        .title = "SPICE channel list",
        .summary =
            "Links the main channel of each --spice server, reads the channel list and "
            "watches for channels announced twice (QEMU 9.1.1 PLAYBACK); link errors, "
            "auth, protocol version",
        .platforms = {"linux", "windows"},
        .options =
            {
                host_port_option("--spice", &O::targets, kSpiceServer,
                                 "spice: SPICE server to check (repeatable)"),
                text_option("--spice-password", &O::password, "TEXT",
                            "spice: ticket password (default: $SPICE_PASSWORD)")
                    .from_env("SPICE_PASSWORD"),
                duration_option(
                    "--spice-watch", &O::watch,
                    "spice: how long to watch for channels announced again (default 2s)"),
            },
        .findings =
            {
                {"ND-SPICE-001", Severity::error,
                 "SPICE server announces a channel it already announced"},
                {"ND-SPICE-002", Severity::error, "SPICE server refused the link"},
                {"ND-SPICE-003", Severity::error, "SPICE protocol version mismatch"},
                {"ND-SPICE-004", Severity::error,
                 "SPICE server requires a password, or refused it"},
                {"ND-SPICE-005", Severity::error,
                 "SPICE server went silent or closed the connection"},
                {"ND-SPICE-006", Severity::info,
                 "SPICE server lists channel types netdiag does not know"},
                {"ND-SPICE-007", Severity::error, "Malformed SPICE message, or not a SPICE server"},
                {"ND-SPICE-008", Severity::error, "Cannot connect to the SPICE server"},
            },
        .make = [] { return make_probe(); },
    };
}

}  // namespace netdiag::probes::spice
