// The one list of probes netdiag knows, in the order reports show them. `netdiag list`, the
// CLI's probe options and the docs tests read it. Adding a probe is its folder under
// src/probes/, one line here and its docs.
#include <algorithm>

#include "netdiag/probe.hpp"
#include "probes/host/host_probe.hpp"
#include "probes/listeners/listeners_probe.hpp"
#include "probes/multicast/multicast_probe.hpp"
#include "probes/shared_accept/shared_accept_probe.hpp"
#include "probes/spice/spice_probe.hpp"
#include "probes/udp_batch/udp_batch_probe.hpp"
#include "probes/wasi_af/wasi_af_probe.hpp"

namespace netdiag {

const std::vector<ProbeDescription>& probe_registry() {
    static const std::vector<ProbeDescription> registry{
        probes::host::description(),      probes::udp_batch::description(),
        probes::multicast::description(), probes::shared_accept::description(),
        probes::listeners::description(), probes::wasi_af::description(),
        probes::spice::description(),
    };
    return registry;
}

const ProbeDescription* find_probe(std::string_view id) {
    const auto& registry = probe_registry();
    const auto it = std::find_if(registry.begin(), registry.end(),
                                 [&](const ProbeDescription& p) { return p.id == id; });
    return it == registry.end() ? nullptr : &*it;
}

std::vector<std::string_view> ProbeDescription::finding_ids() const {
    std::vector<std::string_view> ids;
    for (const auto& finding : findings) ids.push_back(finding.id);
    return ids;
}

}  // namespace netdiag
