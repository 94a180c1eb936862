// Probe `host`: the description the registry lists.
#include "probes/host/host_probe.hpp"

namespace netdiag::probes::host {

ProbeDescription description() {
    return {
        .id = "host",
        .title = "Host facts",
        .summary =
            "OS, WSL, interfaces and default routes; flags USB NICs with autosuspend, "
            "power features that drop links (Windows power management, EEE, PCIe "
            "ASPM), interfaces without MULTICAST, WSL1, no default route",
        .platforms = {"linux", "windows"},
        .findings =
            {
                {"ND-HOST-001", Severity::warning,
                 "USB network adapter carries the default route and may autosuspend"},
                {"ND-HOST-002", Severity::warning, "Interface is up without the MULTICAST flag"},
                {"ND-HOST-003", Severity::warning,
                 "Running under WSL1: multicast and raw sockets are limited"},
                {"ND-HOST-004", Severity::warning, "No default route"},
                {"ND-HOST-005", Severity::info, "Default route goes through a USB network adapter"},
                {"ND-HOST-006", Severity::warning,
                 "Windows may turn off the network adapter to save power"},
                {"ND-HOST-007", Severity::warning,
                 "Energy-Efficient Ethernet is on for the adapter"},
                {"ND-HOST-008", Severity::warning, "PCIe ASPM is on for the adapter"},
            },
        .make = [] { return make_probe(); },
    };
}

}  // namespace netdiag::probes::host
