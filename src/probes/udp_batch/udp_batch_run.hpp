// What one udp-batch run found, as plain data: the route, the kernel's limits, and for each
// send path what the OS did with a plain, a pinned-source and a stale-source batch, what the
// receiver counted, and the throughput. The findings are derived from this alone
// (udp_findings.cpp), so they can be tested on runs built by hand.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "delivery_tally.hpp"
#include "egress_path.hpp"
#include "netdiag/udp_send.hpp"
#include "receive_facts.hpp"

namespace netdiag::probes::udp_batch {

enum class Verification { loopback, peer, none };
std::string_view to_string(Verification verification);

struct RouteInfo {
    platform::udp::Endpoint destination;
    Verification verification = Verification::loopback;
    std::optional<std::string> source;  // the address the route picks: the one programs pin
    std::optional<unsigned> mtu;        // the route's MTU
    std::string interface_name;         // the interface owning `source`, when known
    std::string interface_bus;          // "usb", "pci", …
    std::string interface_driver;
    std::string usb_power_control;
    std::string stale_source;  // an address this host does not own
    SysError error;            // why the route could not be read
};

// The kernel's segmentation limits, discovered by sending to a loopback sink.
struct SendLimits {
    bool segmentation_known = false;  // query_segmentation() succeeded
    SysError query_error;
    std::optional<std::size_t> max_segments;  // most segments one call accepted
    SysError over_segments_error;             // the answer to one more
    std::optional<std::size_t> max_bytes;     // largest payload one call accepted
    SysError over_bytes_error;
};

struct Throughput {
    double seconds = 0;
    std::uint64_t datagrams = 0;
    std::uint64_t bytes = 0;
    std::uint64_t syscalls = 0;
    std::uint64_t retries = 0;
    double cpu_seconds = 0;
    std::optional<std::uint64_t> received;  // datagrams the sink read, where one listens
    std::string sender;                     // the socket as it sent: connected, pinned, …
    platform::udp::SendOutcome stopped_by;  // the failure that ended it early, if any
    bool stopped_early = false;
    bool interrupted = false;  // netdiag was interrupted: the figures cover a shorter window

    double datagrams_per_second() const { return seconds > 0 ? datagrams / seconds : 0; }
    double gbit_per_second() const { return seconds > 0 ? bytes * 8.0 / seconds / 1e9 : 0; }
};

struct PathTrial {
    platform::udp::SendPath path = platform::udp::SendPath::per_datagram;
    platform::udp::SendOutcome plain;   // no PKTINFO
    platform::udp::SendOutcome pinned;  // PKTINFO = route source
    platform::udp::SendOutcome stale;   // PKTINFO = an address this host does not own
    std::optional<StreamReport> plain_delivery;
    std::optional<StreamReport> pinned_delivery;
    std::optional<Throughput> throughput;
};

struct UdpBatchRun {
    RouteInfo route;
    SendLimits limits;
    std::size_t datagram_size = 0;
    std::size_t batch = 0;
    std::string os;      // "linux", "windows": whose rules the errors follow
    std::string kernel;  // uname release or Windows build: the limits and errnos depend on it
    std::vector<PathTrial> trials;
    // The pinned source checked again after the measurements: a link that dropped during the
    // run leaves the program's pinned address stale.
    std::optional<bool> source_owned_at_end;
    std::string peer_error;  // the control connection to `netdiag peer` failed
    // The path off this host (the default routes, or the route to the destination), judged
    // from its facts: with the default loopback receiver the measurements never used it.
    std::vector<EgressJudgement> egress;
    ReceiveChecks receive;  // ECN marks and receive coalescing over loopback
};

// What the measurements went through, and what was only judged; with the command that would
// measure the judged path.
std::string measured_path_text(const UdpBatchRun& run);

nlohmann::json to_json(const platform::udp::SendOutcome& outcome);
nlohmann::json to_json(const Throughput& throughput);
nlohmann::json measurements_json(const UdpBatchRun& run);

}  // namespace netdiag::probes::udp_batch
