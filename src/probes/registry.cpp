// The one list of probes netdiag knows, in the order reports show them. `netdiag list` prints
// this table. Adding a probe is one entry here and one folder under src/probes/.
#include <algorithm>

#include "netdiag/probe.hpp"
#include "probes/host/host_probe.hpp"

namespace netdiag {

const std::vector<ProbeInfo>& probe_registry() {
    static const std::vector<ProbeInfo> registry{
        {.id = "host",
         .title = "Host facts",
         .summary = "OS, WSL, interfaces and default routes; flags USB NICs with autosuspend, "
                    "interfaces without MULTICAST, WSL1, no default route",
         .platforms = {"linux", "windows"},
         .finding_ids = host_probe_finding_ids(),
         .exclusive = false,
         .make = [] { return make_host_probe(); }},
    };
    return registry;
}

const ProbeInfo* find_probe(std::string_view id) {
    const auto& registry = probe_registry();
    const auto it = std::find_if(registry.begin(), registry.end(),
                                 [&](const ProbeInfo& p) { return p.id == id; });
    return it == registry.end() ? nullptr : &*it;
}

}  // namespace netdiag
