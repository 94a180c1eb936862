// The one list of probes netdiag knows, in the order reports show them. `netdiag list` prints
// this table. Adding a probe is one entry here and one folder under src/probes/.
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

const std::vector<ProbeInfo>& probe_registry() {
    static const std::vector<ProbeInfo> registry{
        {.id = "host",
         .title = "Host facts",
         .summary = "OS, WSL, interfaces and default routes; flags USB NICs with autosuspend, "
                    "power features that drop links (Windows power management, EEE, PCIe "
                    "ASPM), interfaces without MULTICAST, WSL1, no default route",
         .platforms = {"linux", "windows"},
         .finding_ids = host_probe_finding_ids(),
         .make = [] { return make_host_probe(); }},
        {.id = "udp-batch",
         .title = "Batched UDP send",
         .summary = "Sends the same datagrams batched (GSO/USO, sendmmsg) and one by one, with "
                    "and without a pinned source; reports rejected paths with their errors, "
                    "unsegmented or lost datagrams, a stale source, MTU and kernel limits, "
                    "each path's throughput, and on loopback ECN marks and receive coalescing "
                    "(--peer, --udp-target)",
         .platforms = {"linux", "windows"},
         .finding_ids = udp_batch_finding_ids(),
         .host_use = HostUse::measures_alone,
         .make = [] { return make_udp_batch_probe(); }},
        {.id = "multicast",
         .title = "Multicast bind, join and Zenoh scouting",
         .summary = "Binds the group port with and without reuse (names the holder), joins the "
                    "group on each interface and checks loopback, looks up the group's route, "
                    "detects WSL1/WSL2 NAT and lists Zenoh nodes answering a Scout (--group, "
                    "--port)",
         .platforms = {"linux", "windows"},
         .finding_ids = multicast_probe_finding_ids(),
         .make = [] { return make_multicast_probe(); }},
        {.id = "shared-accept",
         .title = "Several workers accepting on one port",
         .summary = "Starts N workers sharing one listening port the ways servers do "
                    "(inherited socket with accept/epoll, threads with their own loop, "
                    "SO_REUSEPORT; Windows: duplicated socket with IOCP + AcceptEx or poll), "
                    "drives M loopback connections and reports failures with their codes and "
                    "the spread across workers (--accept-workers, --accept-connections)",
         .platforms = {"linux", "windows"},
         .finding_ids = shared_accept_finding_ids(),
         .host_use = HostUse::works_alongside,
         .make = [] { return make_shared_accept_probe(); }},
        {.id = "listeners",
         .title = "The host's own listening sockets",
         .summary = "Reads the servers already running here (no traffic): per port the sockets "
                    "and the processes holding them (inherited socket, SO_REUSEPORT group), "
                    "the accept queue against its backlog, somaxconn, listen drops, what each "
                    "worker is blocked in; flags full queues, shared sockets, stalled members "
                    "(--listen-port)",
         .platforms = {"linux", "windows"},
         .finding_ids = listeners_finding_ids(),
         .make = [] { return make_listeners_probe(); }},
        {.id = "wasi-af",
         .title = "WebAssembly WASIX socket lint",
         .summary = "Reads --wasm modules (.wasm, .wat with wat2wasm, folders) and follows "
                    "constant arguments into WASIX socket calls: POSIX address families and "
                    "socket types, sockaddr family or port byte order wrong, listen without "
                    "bind, connect after listen",
         .platforms = {"linux", "windows"},
         .finding_ids = wasi_af_finding_ids(),
         .host_use = HostUse::works_alongside,
         .make = [] { return make_wasi_af_probe(); }},
        {.id = "spice",
         .title = "SPICE channel list",
         .summary = "Links the main channel of each --spice server, reads the channel list and "
                    "watches for channels announced twice (QEMU 9.1.1 PLAYBACK); link errors, "
                    "auth, protocol version",
         .platforms = {"linux", "windows"},
         .finding_ids = spice_probe_finding_ids(),
         .make = [] { return make_spice_probe(); }},
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
