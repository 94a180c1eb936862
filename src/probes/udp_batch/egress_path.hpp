// The path batched datagrams take off this host, judged rather than measured: the default
// route (or the route to --udp-target) with its interface, MTU, transmit checksum offload,
// IPsec policies and the kernel, and what a segmented send (GSO) through it does under that
// kernel's rules. The measurements may run over loopback, where GSO always works; this is what
// tells a user that the real interface would refuse the same send. The judgement is a pure
// function of the facts, so it is tested on facts written by hand (a 6.1 and a 6.18 kernel).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netdiag/egress.hpp"
#include "netdiag/platform.hpp"
#include "netdiag/udp_send.hpp"

namespace netdiag::probes::udp_batch {

// The rows of docs/probes/udp-batch.md's table "Segmented sends by kernel", quoted by every
// verdict and finding about a segmented send.
inline constexpr std::string_view kMtuRule =
    "segment + headers over the MTU: EINVAL before 6.14, EMSGSIZE from 6.14 (and from 6.1.129)";
inline constexpr std::string_view kChecksumRule =
    "no transmit checksum offload: EIO from 4.18 to 6.10; from 6.11 checksummed in software";
inline constexpr std::string_view kIpsecRule = "an IPsec (xfrm) route: EIO on every kernel";
inline constexpr std::string_view kSegmentCountRule =
    "segments per call: 64 before a 2024 change, 128 after (back-ported to 5.15, 6.1, 6.6); one "
    "more is EINVAL";
inline constexpr std::string_view kByteCountRule =
    "bytes per call: at most 65,507 of payload; one more is EMSGSIZE";

struct EgressFacts {
    std::string route;        // "default route" or "route to 198.51.100.7"
    std::string destination;  // the address judged; empty for the default route
    platform::udp::Family family = platform::udp::Family::ipv4;
    std::string interface_name;
    std::string gateway;
    std::string source;
    std::optional<unsigned> interface_mtu;
    platform::egress::RouteMtu route_mtu;
    std::optional<unsigned> path_mtu;  // what the kernel reports for the route (--udp-target)
    platform::egress::Known<bool> transmit_checksum;
    platform::egress::Known<std::vector<platform::egress::IpsecPolicy>> ipsec;
    std::string os;               // "linux", "windows"
    std::string kernel;           // uname release ("6.18.44-...") or the Windows build
    std::string unknown_because;  // the route itself could not be read
};

enum class EgressStatus { fits, fails, undecided };
std::string_view to_string(EgressStatus status);

struct EgressVerdict {
    EgressStatus status = EgressStatus::undecided;
    std::string expected_error;  // "EMSGSIZE", "EINVAL", "EIO" when it fails
    // Why, one sentence each: the rule that fails, or the facts that could not be read.
    std::vector<std::string> reasons;
    // The row of docs/probes/udp-batch.md's kernel table that applies.
    std::vector<std::string> kernel_rules;
    std::optional<unsigned> effective_mtu;
    std::optional<std::size_t> largest_segment;  // the largest segment that fits the MTU
    std::vector<std::string> notes;              // facts that pass but matter (software GSO)
};

struct EgressJudgement {
    EgressFacts facts;
    EgressVerdict verdict;
};

// A Linux kernel release as numbers: "6.1.129-amd64" -> {6, 1, 129}; nullopt when unreadable.
struct KernelVersion {
    int major = 0;
    int minor = 0;
    int patch = 0;
    bool at_least(int major, int minor, int patch = 0) const;
};
std::optional<KernelVersion> parse_kernel_release(const std::string& release);

// Judges a segmented send of segment_size-byte segments along the path.
EgressVerdict judge_segmented_send(const EgressFacts& facts, std::size_t segment_size);

// Reads the facts for each default route of the host (one per family, the lowest metric), or
// for the route to destination when one is given.
std::vector<EgressFacts> read_egress_facts(const platform::HostSnapshot& host,
                                           const platform::udp::Endpoint* destination);

nlohmann::json to_json(const EgressJudgement& judgement);
// One line for the text report: "eth0 (default route via 192.0.2.1), MTU 1400: fails (EMSGSIZE)".
std::string summary_line(const EgressJudgement& judgement, std::size_t segment_size);

}  // namespace netdiag::probes::udp_batch
