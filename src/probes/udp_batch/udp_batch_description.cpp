// Probe `udp-batch`: the description the registry lists, with its option table.
#include "core/ip_literal.hpp"
#include "probes/option_builders.hpp"
#include "probes/udp_batch/udp_batch_options.hpp"
#include "probes/udp_batch/udp_batch_probe.hpp"
#include "probes/udp_batch/udp_charts.hpp"

namespace netdiag::probes::udp_batch {

ProbeDescription description() {
    using namespace option_builders;
    using O = UdpBatchOptions;
    return {
        .id = "udp-batch",
        .title = "Batched UDP send",
        .summary =
            "Sends the same datagrams batched (GSO/USO, sendmmsg) and one by one, with "
            "and without a pinned source; reports rejected paths with their errors, "
            "unsegmented or lost datagrams, a stale source, MTU and kernel limits, "
            "each path's throughput, and on loopback ECN marks and receive coalescing "
            "(--peer, --udp-target)",
        .platforms = {"linux", "windows"},
        .host_use = HostUse::measures_alone,
        .options =
            {
                // Stored for multicast too, which sends to the same peer.
                host_port_option(
                    "--peer", &SharedProbeOptions::peer, kNetdiagPeer,
                    "udp-batch and multicast: `netdiag peer` on another host. udp-batch "
                    "sends to it through a real interface and it verifies what arrived; "
                    "multicast sends to the group both ways with unicast as the control")
                    .also_read_by({"multicast"}),
                host_port_option("--udp-target", &O::target, kDiscardService,
                                 "udp-batch: only check that the OS accepts each send path toward "
                                 "this address (no verification; default port 9, discard)"),
                text_option(
                    "--udp-source", &O::source, "ADDRESS",
                    "udp-batch: source address to pin with IP_PKTINFO (default: the route's)")
                    .checked(
                        [](const std::string& value) -> std::string {
                            if (parse_ip_literal(value)) return {};
                            return "'" + value + "' is not an IPv4 or IPv6 address";
                        },
                        "not-an-address"),
                milliseconds_option("--udp-measure-ms", &O::measure, 0, 60000,
                                    "udp-batch: throughput window per send path in ms, 0 to skip "
                                    "(default 150)"),
                number_option("--udp-size", &O::datagram_size, 16, 65507, "UINT",
                              "udp-batch: datagram (segment) size in bytes")
                    .shows_default(),
                number_option("--udp-batch", &O::batch, 1, 1024, "UINT",
                              "udp-batch: datagrams per batched call")
                    .shows_default(),
            },
        .findings =
            {
                {"ND-UDP-001", Severity::warning, "Batched UDP send path is rejected"},
                {"ND-UDP-002", Severity::error, "Batched send accepted but not segmented"},
                {"ND-UDP-003", Severity::error, "Datagrams accepted but not delivered to the peer"},
                {"ND-UDP-004", Severity::error, "The pinned source address is stale"},
                {"ND-UDP-005", Severity::warning,
                 "Datagrams lost, duplicated or reordered on loopback"},
                {"ND-UDP-006", Severity::error, "Segment size above the route MTU"},
                {"ND-UDP-007", Severity::error, "Batch exceeds the kernel's segmentation limits"},
                {"ND-UDP-008", Severity::warning,
                 "Batched send is slower than one send per datagram"},
                {"ND-UDP-009", Severity::warning, "The send interface is a USB network adapter"},
                {"ND-UDP-010", Severity::error, "UDP sends fail even one datagram at a time"},
                {"ND-UDP-011", Severity::info, "What a send pinned to a stale source returns here"},
                {"ND-UDP-012", Severity::warning,
                 "Segmented sends through the egress interface would fail"},
                {"ND-UDP-013", Severity::error, "The OS refuses the ECN receive option"},
                {"ND-UDP-014", Severity::warning,
                 "An ECN mark sent over loopback does not come back"},
                {"ND-UDP-015", Severity::error,
                 "Coalesced datagrams arrive without the segment size"},
                {"ND-UDP-016", Severity::info,
                 "What a segmented send through the egress interface does was not decided"},
            },
        .charts = udp_charts,
        .make = [] { return make_probe(); },
    };
}

}  // namespace netdiag::probes::udp_batch
