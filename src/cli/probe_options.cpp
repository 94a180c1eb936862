#include "probe_options.hpp"

#include <cstdlib>

#include "core/duration.hpp"
#include "core/ip_literal.hpp"
#include "netdiag/shared_accept.hpp"
#include "probes/spice/spice_target.hpp"

namespace netdiag::cli {
namespace {

// A CLI11 validator for durations ("250ms", "5s", "2m").
CLI::Validator duration_validator() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            if (parse_duration(value)) return {};
            return "invalid duration '" + value + "' (examples: 250ms, 5s, 2m)";
        },
        "DURATION");
}

// HOST:PORT with a port from 1 to 65535 ("127.0.0.1:5930", "vmhost:5900", "[::1]:5930").
CLI::Validator host_port_validator() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            std::string error;
            if (spice_probe::parse_spice_target(value, error)) return {};
            return error;
        },
        "HOST:PORT");
}

// `netdiag peer`'s HOST:PORT. The syntax is the SPICE target's, but the message gives the
// peer's own port as the example.
CLI::Validator peer_validator() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            std::string error;
            if (spice_probe::parse_spice_target(value, error)) return {};
            return "'" + value +
                   "': expected HOST:PORT of `netdiag peer`, e.g. 192.0.2.10:47100 "
                   "([2001:db8::10]:47100 for IPv6; netdiag peer listens on 47100 by default)";
        },
        "HOST:PORT");
}

// HOST or HOST:PORT: a bare host name or IP literal takes the option's default port.
CLI::Validator host_optional_port_validator() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            if (value.empty()) return "empty address";
            if (is_ipv6_literal(value) || value.find(':') == std::string::npos) return {};
            std::string error;
            if (spice_probe::parse_spice_target(value, error)) return {};
            return error;
        },
        "HOST[:PORT]");
}

CLI::Validator ip_address_validator() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            if (parse_ip_literal(value)) return {};
            return "'" + value + "' is not an IPv4 or IPv6 address";
        },
        "ADDRESS");
}

CLI::Validator multicast_group_validator() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            const auto address = parse_ip_literal(value);
            if (!address) return "'" + value + "' is not an IPv4 or IPv6 address";
            if (!address->is_multicast()) {
                return "'" + value + "' is not a multicast group (IPv4 224.0.0.0/4, IPv6 ff00::/8)";
            }
            return {};
        },
        "ADDRESS");
}

// The patterns this OS runs, and the ones it reports as unavailable (reuseport on Windows).
CLI::Validator accept_pattern_validator() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
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
        "ID");
}

}  // namespace

void add_probe_options(CLI::App& probe, ProbeOptions& options) {
    // wasi-af
    probe
        .add_option("--wasm", options.wasm_paths,
                    "wasi-af: WebAssembly modules (.wasm, or .wat with wat2wasm) or folders")
        ->type_name("FILE")
        ->group("Probe wasi-af");

    // spice
    probe.add_option("--spice", options.spice_targets, "spice: SPICE server to check (repeatable)")
        ->check(host_port_validator())
        ->type_name("HOST:PORT")
        ->group("Probe spice");
    probe
        .add_option("--spice-password", options.spice_password,
                    "spice: ticket password (default: $SPICE_PASSWORD)")
        ->group("Probe spice");
    probe
        .add_option_function<std::string>(
            "--spice-watch",
            [&options](const std::string& value) { options.spice_watch = *parse_duration(value); },
            "spice: how long to watch for channels announced again (default 2s)")
        ->check(duration_validator())
        ->type_name("DURATION")
        ->group("Probe spice");

    // udp-batch
    probe
        .add_option("--peer", options.udp_peer,
                    "udp-batch and multicast: `netdiag peer` on another host. udp-batch sends "
                    "to it through a real interface and it verifies what arrived; multicast "
                    "sends to the group both ways with unicast as the control")
        ->check(peer_validator())
        ->type_name("HOST:PORT")
        ->group("Probe udp-batch");
    probe
        .add_option("--udp-target", options.udp_target,
                    "udp-batch: only check that the OS accepts each send path toward this "
                    "address (no verification; default port 9, discard)")
        ->check(host_optional_port_validator())
        ->type_name("HOST[:PORT]")
        ->group("Probe udp-batch");
    probe
        .add_option("--udp-source", options.udp_source,
                    "udp-batch: source address to pin with IP_PKTINFO (default: the route's)")
        ->check(ip_address_validator())
        ->type_name("ADDRESS")
        ->group("Probe udp-batch");
    probe
        .add_option_function<unsigned>(
            "--udp-measure-ms",
            [&options](unsigned value) { options.udp_measure = std::chrono::milliseconds(value); },
            "udp-batch: throughput window per send path in ms, 0 to skip (default 150)")
        ->check(CLI::Range(0u, 60000u))
        ->type_name("MS")
        ->group("Probe udp-batch");
    probe
        .add_option("--udp-size", options.udp_datagram_size,
                    "udp-batch: datagram (segment) size in bytes")
        ->check(CLI::Range(16, 65507))
        ->capture_default_str()
        ->group("Probe udp-batch");
    probe.add_option("--udp-batch", options.udp_batch, "udp-batch: datagrams per batched call")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str()
        ->group("Probe udp-batch");

    // multicast
    probe
        .add_option("--group", options.multicast_group,
                    "multicast: group to bind and join (IPv4 or IPv6, e.g. ff02::1)")
        ->check(multicast_group_validator())
        ->type_name("ADDRESS")
        ->capture_default_str()
        ->group("Probe multicast");
    probe.add_option("--port", options.multicast_port, "multicast: UDP port of the group")
        ->check(CLI::Range(1, 65535))
        ->capture_default_str()
        ->group("Probe multicast");
    probe
        .add_option("--multicast-interface", options.multicast_interfaces,
                    "multicast: check only this interface (repeatable; default: every one)")
        ->type_name("NAME")
        ->group("Probe multicast");
    probe
        .add_option_function<std::string>(
            "--zenoh-window",
            [&options](const std::string& value) { options.zenoh_window = *parse_duration(value); },
            "multicast: how long to collect Zenoh Hello replies (default 800ms, 0 to skip)")
        ->check(duration_validator())
        ->type_name("DURATION")
        ->group("Probe multicast");

    // shared-accept
    probe
        .add_option("--accept-workers", options.accept_workers,
                    "shared-accept: workers sharing the listening port")
        ->check(CLI::Range(1, 64))
        ->capture_default_str()
        ->group("Probe shared-accept");
    probe
        .add_option("--accept-connections", options.accept_connections,
                    "shared-accept: client connections per pattern")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str()
        ->group("Probe shared-accept");
    probe
        .add_option("--accept-concurrency", options.accept_concurrency,
                    "shared-accept: client connections in flight at once")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str()
        ->group("Probe shared-accept");
    probe
        .add_option("--accept-pattern", options.accept_patterns,
                    "shared-accept: run only this pattern (repeatable; see docs/probes/"
                    "shared-accept.md)")
        ->check(accept_pattern_validator())
        ->type_name("ID")
        ->group("Probe shared-accept");

    // listeners
    probe
        .add_option("--listen-port", options.listen_ports,
                    "listeners: look only at this port, TCP and UDP (repeatable; default: every "
                    "listening port)")
        ->check(CLI::Range(1, 65535))
        ->type_name("PORT")
        ->group("Probe listeners");
    probe
        .add_option_function<std::string>(
            "--listen-window",
            [&options](const std::string& value) {
                options.listen_window = *parse_duration(value);
            },
            "listeners: time between the two readings of queues and drop counters (default "
            "250ms)")
        ->check(duration_validator())
        ->type_name("DURATION")
        ->group("Probe listeners");

    // Windows Firewall (read once per run on Windows; judged by the probes that need inbound)
    probe
        .add_option("--program", options.firewall_programs,
                    "Windows: also judge firewall rules for this program (full path of the "
                    ".exe that should receive the traffic; repeatable)")
        ->type_name("PATH")
        ->group("Windows Firewall");
}

void finish_probe_options(ProbeOptions& options) {
    if (options.spice_password.empty()) {
        if (const char* env = std::getenv("SPICE_PASSWORD")) options.spice_password = env;
    }
}

}  // namespace netdiag::cli
