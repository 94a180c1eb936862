#include "udp_findings.hpp"

#include <fmt/format.h>

#include "receive_findings.hpp"

namespace netdiag::probes::udp_batch {
namespace {

using platform::udp::SendOutcome;
using platform::udp::SendPath;
using platform::udp::SendStatus;

// Below this share of the unbatched rate a batched path is worth flagging. Segmentation should
// win by a factor, so a fifth below is a fault; sendmmsg only saves system calls, so a quarter-
// second window on a shared machine can put it well below unbatched without anything wrong.
constexpr double kSlowerThresholdSegmentation = 0.8;
constexpr double kSlowerThresholdMultiMessage = 0.5;

bool is_segmentation(SendPath path) {
    return path == SendPath::segment_cmsg || path == SendPath::segment_sockopt;
}

bool failed(const SendOutcome& outcome) {
    return outcome.status == SendStatus::rejected || outcome.status == SendStatus::partial;
}

bool accepted(const SendOutcome& outcome) {
    return outcome.status == SendStatus::accepted;
}

bool is_error(const SysError& error, std::errc code, std::string_view windows_name) {
    return error.portable == std::make_error_code(code) || error.native_name == windows_name;
}

// The answers an OS gives a send whose pinned source address it does not own.
bool is_stale_source_error(const SysError& error) {
    return is_error(error, std::errc::network_unreachable, "WSAENETUNREACH") ||
           is_error(error, std::errc::invalid_argument, "WSAEINVAL") ||
           is_error(error, std::errc::address_not_available, "WSAEADDRNOTAVAIL");
}

std::string outcome_text(const SendOutcome& outcome) {
    if (!outcome.error) return std::string(platform::udp::to_string(outcome.status));
    return fmt::format("{} failed: {}", outcome.failed_call, outcome.error.describe());
}

nlohmann::json outcome_evidence(const PathTrial& trial, const SendOutcome& outcome) {
    nlohmann::json json = to_json(outcome);
    json["path"] = platform::udp::to_string(trial.path);
    json["call"] = platform::udp::native_call(trial.path);
    return json;
}

const PathTrial* find_trial(const UdpBatchRun& run, SendPath path) {
    for (const auto& trial : run.trials) {
        if (trial.path == path) return &trial;
    }
    return nullptr;
}

unsigned header_bytes(const UdpBatchRun& run) {
    return platform::udp::ip_udp_header_bytes(run.route.destination.family());
}

bool over_mtu(const UdpBatchRun& run) {
    return run.route.mtu && run.datagram_size + header_bytes(run) > *run.route.mtu;
}

bool over_segment_limit(const UdpBatchRun& run) {
    return run.limits.max_segments && run.batch > *run.limits.max_segments;
}

bool over_byte_limit(const UdpBatchRun& run) {
    return run.limits.max_bytes && run.batch * run.datagram_size > *run.limits.max_bytes;
}

// The kernel table's row for a Linux run; other systems have no such table.
std::string linux_rule(const UdpBatchRun& run, std::string_view rule) {
    return run.os == "linux" ? std::string(rule) : std::string{};
}

const std::vector<std::string> fallback_remedy = {
    "Keep the fallback to one send per datagram, but log the batched call's error once with its "
    "code, not on every packet",
    "Probe the capability at start (Linux: setsockopt(SOL_UDP, UDP_SEGMENT, size); Windows: "
    "setsockopt(IPPROTO_UDP, UDP_SEND_MSG_SIZE, size)) and do not batch where it fails",
};

void check_unbatched(const UdpBatchRun& run, std::vector<Finding>& out) {
    const auto* unbatched = find_trial(run, SendPath::per_datagram);
    if (unbatched == nullptr || !failed(unbatched->plain)) return;
    out.push_back(make_udp_finding(
        "ND-UDP-010", Severity::error,
        fmt::format("UDP sends to {} fail even one datagram at a time",
                    run.route.destination.to_string()),
        outcome_text(unbatched->plain), outcome_evidence(*unbatched, unbatched->plain),
        {"Check the route to the destination: `ip route get ADDRESS` (Windows: `Find-NetRoute "
         "-RemoteIPAddress ADDRESS`)",
         "Check that the sending interface is up: `ip link show` (Windows: `Get-NetAdapter`)"}));
}

void check_stale_source(const UdpBatchRun& run, std::vector<Finding>& out) {
    if (!run.route.source) return;
    nlohmann::json failures = nlohmann::json::array();
    std::string first;
    for (const auto& trial : run.trials) {
        if (accepted(trial.plain) && failed(trial.pinned) &&
            is_stale_source_error(trial.pinned.error)) {
            failures.push_back(outcome_evidence(trial, trial.pinned));
            if (first.empty()) first = outcome_text(trial.pinned);
        }
        if (trial.throughput && trial.throughput->stopped_early &&
            is_stale_source_error(trial.throughput->stopped_by.error)) {
            failures.push_back(outcome_evidence(trial, trial.throughput->stopped_by));
            if (first.empty()) first = outcome_text(trial.throughput->stopped_by);
        }
    }
    const bool lost_at_end = run.source_owned_at_end && !*run.source_owned_at_end;
    if (failures.empty() && !lost_at_end) return;
    const std::string& source = *run.route.source;
    std::string detail = lost_at_end ? fmt::format(
                                           "{} was the route's source when the run started "
                                           "and this host no longer owns it",
                                           source)
                                     : fmt::format("sends pinned to {} failed", source);
    if (!first.empty()) detail += "; " + first;
    out.push_back(make_udp_finding(
        "ND-UDP-004", Severity::error, fmt::format("The pinned source address {} is stale", source),
        detail,
        {{"source", source},
         {"owned_at_end", run.source_owned_at_end.value_or(true)},
         {"failures", failures}},
        {"Re-read the source address when the interface's addresses change "
         "(Linux: RTM_NEWADDR/RTM_DELADDR on NETLINK_ROUTE, `ip monitor address`; "
         "Windows: NotifyUnicastIpAddressChange) instead of capturing it once",
         "On ENETUNREACH (Linux) or WSAEINVAL (Windows) from a pinned send, drop the "
         "IP_PKTINFO control message and let the OS choose the source",
         "Find why the address went away: `ip monitor link address` shows the link "
         "dropping; `netdiag watch` catches periodic drops"}));
}

void check_stale_demonstration(const UdpBatchRun& run, std::vector<Finding>& out) {
    const auto* unbatched = find_trial(run, SendPath::per_datagram);
    if (unbatched == nullptr || !accepted(unbatched->plain) || run.route.stale_source.empty() ||
        !unbatched->stale.error) {
        return;
    }
    out.push_back(make_udp_finding(
        "ND-UDP-011", Severity::info,
        fmt::format("A send pinned to a source this host does not own fails with {}",
                    unbatched->stale.error.native_name),
        fmt::format("pinned to {} (not owned): {}", run.route.stale_source,
                    outcome_text(unbatched->stale)),
        outcome_evidence(*unbatched, unbatched->stale),
        {"If a program logs this error on every packet, its pinned source address is stale: see "
         "ND-UDP-004"}));
}

void check_mtu_and_limits(const UdpBatchRun& run, std::vector<Finding>& out, bool& explained) {
    for (const auto& trial : run.trials) {
        if (!is_segmentation(trial.path) || !failed(trial.plain)) continue;
        const auto& error = trial.plain.error;
        // Kernels before 6.x answer EINVAL, newer ones EMSGSIZE (seen on 6.18); Windows WSAEINVAL.
        const bool size_refusal = is_error(error, std::errc::invalid_argument, "WSAEINVAL") ||
                                  is_error(error, std::errc::message_size, "WSAEMSGSIZE");
        if (over_mtu(run) && size_refusal) {
            out.push_back(make_udp_finding(
                "ND-UDP-006", Severity::error,
                fmt::format("Segment size {} does not fit the route MTU {}", run.datagram_size,
                            *run.route.mtu),
                fmt::format(
                    "{} + {} header bytes > MTU {} on {}: {}", run.datagram_size, header_bytes(run),
                    *run.route.mtu,
                    run.route.interface_name.empty() ? "the route" : run.route.interface_name,
                    outcome_text(trial.plain)),
                {{"segment_size", run.datagram_size},
                 {"header_bytes", header_bytes(run)},
                 {"mtu", *run.route.mtu},
                 {"largest_segment", *run.route.mtu - header_bytes(run)},
                 {"interface", run.route.interface_name},
                 {"send", outcome_evidence(trial, trial.plain)},
                 {"kernel", run.kernel},
                 {"kernel_rule", linux_rule(run, kMtuRule)}},
                {fmt::format(
                     "Send segments of at most {} bytes on this route (MTU minus IP and UDP "
                     "headers), e.g. `netdiag probe udp-batch --udp-size {}`",
                     *run.route.mtu - header_bytes(run), *run.route.mtu - header_bytes(run)),
                 "Or raise the interface MTU where the whole path carries it: `ip link set dev "
                 "IFACE mtu 1500`"}));
            explained = true;
            return;
        }
        if (over_segment_limit(run) || over_byte_limit(run)) {
            const bool by_count = over_segment_limit(run);
            out.push_back(make_udp_finding(
                "ND-UDP-007", Severity::error,
                by_count
                    ? fmt::format("A batch of {} segments exceeds this kernel's limit of {}",
                                  run.batch, *run.limits.max_segments)
                    : fmt::format("A batch of {} bytes exceeds this kernel's limit of {} bytes",
                                  run.batch * run.datagram_size, *run.limits.max_bytes),
                outcome_text(trial.plain),
                {{"batch", run.batch},
                 {"segment_size", run.datagram_size},
                 {"max_segments_per_call", run.limits.max_segments.value_or(0)},
                 {"max_bytes_per_call", run.limits.max_bytes.value_or(0)},
                 {"send", outcome_evidence(trial, trial.plain)},
                 {"kernel", run.kernel},
                 {"kernel_rule", linux_rule(run, by_count ? kSegmentCountRule : kByteCountRule)}},
                {fmt::format("Split batches at {} segments and {} bytes (discovered on this host)",
                             run.limits.max_segments.value_or(0), run.limits.max_bytes.value_or(0)),
                 "Older kernels allow 64 segments per call, newer ones 128: size batches from the "
                 "smaller unless the program discovers the limit"}));
            explained = true;
            return;
        }
    }
}

void check_rejected(const UdpBatchRun& run, std::vector<Finding>& out) {
    for (const auto& trial : run.trials) {
        if (!platform::udp::is_batched(trial.path) || !failed(trial.plain)) continue;
        auto evidence = outcome_evidence(trial, trial.plain);
        evidence["kernel"] = run.kernel;
        // EIO from a segmented send is the checksum (or IPsec) row of the kernel table.
        if (is_segmentation(trial.path) &&
            trial.plain.error.portable == std::make_error_code(std::errc::io_error)) {
            evidence["kernel_rule"] =
                linux_rule(run, std::string(kChecksumRule) + "; " + std::string(kIpsecRule));
        }
        if (run.limits.query_error)
            evidence["capability_query_error"] = run.limits.query_error.to_evidence();
        out.push_back(make_udp_finding(
            "ND-UDP-001", Severity::warning,
            fmt::format("Batched send ({}) is rejected: {}", platform::udp::native_call(trial.path),
                        trial.plain.error.native_name),
            outcome_text(trial.plain) +
                "; programs that batch fall back to one send per datagram here",
            evidence, fallback_remedy));
    }
}

void check_delivery(const UdpBatchRun& run, std::vector<Finding>& out) {
    for (const auto& trial : run.trials) {
        for (const auto* delivery : {&trial.plain_delivery, &trial.pinned_delivery}) {
            if (!*delivery) continue;
            const StreamReport& d = **delivery;
            auto evidence = to_json(d);
            evidence["path"] = platform::udp::to_string(trial.path);
            evidence["call"] = platform::udp::native_call(trial.path);
            if (d.unsegmented > 0) {
                out.push_back(make_udp_finding(
                    "ND-UDP-002", Severity::error,
                    fmt::format("{} is accepted but the batch is not segmented",
                                platform::udp::native_call(trial.path)),
                    fmt::format(
                        "the call succeeded, but the receiver got {} datagram(s) of up to {} bytes "
                        "instead of {}-byte datagrams",
                        d.unsegmented, d.largest_unsegmented, run.datagram_size),
                    evidence,
                    {"Do not use segmentation offload on this host: send with sendmmsg or one "
                     "datagram "
                     "per call",
                     "On Windows disable USO on the adapter: `Disable-NetAdapterUso -Name ADAPTER` "
                     "(check with `Get-NetAdapterUso`)"}));
                break;
            }
            if (run.route.verification == Verification::peer && d.lost > 0) {
                out.push_back(make_udp_finding(
                    "ND-UDP-003", Severity::error,
                    fmt::format("{} is accepted but {} of {} datagrams never reached the peer",
                                platform::udp::native_call(trial.path), d.lost, d.expected),
                    fmt::format("netdiag peer at {} counted {} of {}",
                                run.route.destination.to_string(), d.delivered, d.expected),
                    evidence,
                    {"If only batched paths lose datagrams, the NIC driver drops offloaded sends: "
                     "disable UDP segmentation offload (Linux: `ethtool -K IFACE "
                     "tx-udp-segmentation "
                     "off`; Windows: `Disable-NetAdapterUso -Name ADAPTER`)",
                     "If every path loses, check the path and the peer's receive buffer "
                     "(`sysctl net.core.rmem_max`)"}));
                break;
            }
            if (run.route.verification == Verification::loopback &&
                (d.lost > 0 || d.duplicated > 0 || d.reordered > 0 || d.wrong_size > 0)) {
                out.push_back(make_udp_finding(
                    "ND-UDP-005", Severity::warning,
                    fmt::format(
                        "Datagrams sent by {} were lost, duplicated or reordered on loopback",
                        platform::udp::native_call(trial.path)),
                    fmt::format("lost {}, duplicated {}, reordered {}, wrong size {} of {}", d.lost,
                                d.duplicated, d.reordered, d.wrong_size, d.expected),
                    evidence,
                    {"Loopback should not lose a small burst: check the receive buffer limit "
                     "(`sysctl net.core.rmem_max net.core.rmem_default`) and load on the host",
                     "Check for packet filters on lo: `nft list ruleset`"}));
                break;
            }
        }
    }
}

void check_speed(const UdpBatchRun& run, std::vector<Finding>& out) {
    const auto* unbatched = find_trial(run, SendPath::per_datagram);
    if (unbatched == nullptr || !unbatched->throughput || unbatched->throughput->stopped_early)
        return;
    const double base = unbatched->throughput->datagrams_per_second();
    if (base <= 0) return;
    for (const auto& trial : run.trials) {
        if (!platform::udp::is_batched(trial.path) || !trial.throughput ||
            trial.throughput->stopped_early) {
            continue;
        }
        const double ratio = trial.throughput->datagrams_per_second() / base;
        const double threshold = is_segmentation(trial.path) ? kSlowerThresholdSegmentation
                                                             : kSlowerThresholdMultiMessage;
        if (ratio >= threshold) continue;
        out.push_back(make_udp_finding(
            "ND-UDP-008", Severity::warning,
            fmt::format("Batched send ({}) is slower than one send per datagram",
                        platform::udp::native_call(trial.path)),
            fmt::format("{:.0f} datagrams/s batched vs {:.0f} unbatched (ratio {:.2f})",
                        trial.throughput->datagrams_per_second(), base, ratio),
            {{"path", platform::udp::to_string(trial.path)},
             {"batched", to_json(*trial.throughput)},
             {"unbatched", to_json(*unbatched->throughput)},
             {"ratio", ratio}},
            {"Check whether the NIC offloads segmentation: `ethtool -k IFACE | grep "
             "segmentation` (software segmentation costs CPU)",
             "Measure again with the host idle; `--udp-measure-ms 1000` for a longer window"}));
    }
}

void check_usb(const UdpBatchRun& run, std::vector<Finding>& out) {
    if (run.route.interface_bus != "usb") return;
    const auto& name = run.route.interface_name;
    out.push_back(make_udp_finding(
        "ND-UDP-009", Severity::warning,
        fmt::format("The send interface {} is a USB network adapter", name),
        fmt::format("{} (driver {}) carries the traffic; USB adapters and docks drop and re-attach "
                    "the link, which makes pinned source addresses stale",
                    name,
                    run.route.interface_driver.empty() ? "unknown" : run.route.interface_driver),
        {{"interface", name},
         {"driver", run.route.interface_driver},
         {"usb_power_control", run.route.usb_power_control}},
        {"Watch the link for periodic drops: `netdiag watch` (or `ip monitor link`)",
         "Turn off USB autosuspend for the adapter: `echo on > /sys/class/net/" + name +
             "/device/../power/control`",
         "Prefer a PCIe/onboard NIC for streaming; see the host probe's interface facts"}));
}

// With the loopback receiver the measurements never leave the host, where segmentation always
// works: the real egress path is judged from its facts instead (egress_path.hpp).
void check_egress(const UdpBatchRun& run, std::vector<Finding>& out) {
    if (run.route.verification != Verification::loopback) return;
    for (const auto& path : run.egress) {
        const auto& facts = path.facts;
        const auto& verdict = path.verdict;
        // IPv4 and IPv6 default routes often leave through one interface: the family tells
        // the two findings apart.
        const std::string where =
            (facts.interface_name.empty() ? facts.route : facts.interface_name) +
            (facts.family == platform::udp::Family::ipv4 ? " (IPv4)" : " (IPv6)");
        std::string detail;
        for (const auto& reason : verdict.reasons) detail += (detail.empty() ? "" : "; ") + reason;
        const std::string measure_it =
            "Measure the real path: run `netdiag peer` on a host behind " + where +
            " and `netdiag probe udp-batch --peer HOST:47100` here";
        if (verdict.status == EgressStatus::fails) {
            std::vector<std::string> remedy;
            if (verdict.largest_segment && verdict.effective_mtu &&
                run.datagram_size + platform::udp::ip_udp_header_bytes(facts.family) >
                    *verdict.effective_mtu) {
                remedy.push_back(fmt::format(
                    "Send segments of at most {} bytes through {} (its MTU {} minus {} bytes of "
                    "IP and UDP headers): a QUIC stack's datagram size must follow the path MTU",
                    *verdict.largest_segment, where, *verdict.effective_mtu,
                    platform::udp::ip_udp_header_bytes(facts.family)));
            }
            remedy.push_back(
                "Keep a fallback: when a segmented send fails with EIO, EINVAL or EMSGSIZE, turn "
                "segmentation off for that socket and send one datagram per call");
            remedy.push_back(measure_it);
            out.push_back(make_udp_finding(
                "ND-UDP-012", Severity::warning,
                fmt::format("Segmented sends of {} bytes through {} fail with {} "
                            "(judged: the measurements ran on loopback)",
                            run.datagram_size, where, verdict.expected_error),
                fmt::format("{}, kernel {}: {}", facts.route, facts.kernel, detail), to_json(path),
                remedy));
        } else if (verdict.status == EgressStatus::undecided) {
            out.push_back(make_udp_finding(
                "ND-UDP-016", Severity::info,
                fmt::format("What a segmented send through {} does was not decided", where),
                fmt::format("{}: {}", facts.route, detail), to_json(path), {measure_it}));
        }
    }
}

}  // namespace

std::vector<Finding> judge(const UdpBatchRun& run) {
    std::vector<Finding> findings;
    check_unbatched(run, findings);
    check_stale_source(run, findings);
    const auto* unbatched = find_trial(run, SendPath::per_datagram);
    const bool nothing_sends = unbatched != nullptr && failed(unbatched->plain);
    bool explained = nothing_sends;  // batched paths fail too then, for the same reason
    if (!explained) check_mtu_and_limits(run, findings, explained);
    if (!explained) check_rejected(run, findings);
    check_delivery(run, findings);
    check_speed(run, findings);
    check_usb(run, findings);
    check_egress(run, findings);
    check_stale_demonstration(run, findings);
    append_receive_findings(run.receive, findings);
    return findings;
}

}  // namespace netdiag::probes::udp_batch
