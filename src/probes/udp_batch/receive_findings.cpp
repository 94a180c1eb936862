#include "receive_findings.hpp"

#include <fmt/format.h>

#include "udp_batch_run.hpp"
#include "udp_findings.hpp"

namespace netdiag::probes::udp_batch {

namespace receive_findings_detail {

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
    std::string text;
    for (const auto& part : parts) {
        if (!text.empty()) text += separator;
        text += part;
    }
    return text;
}

std::string family_label(platform::udp::Family family) {
    return family == platform::udp::Family::ipv4 ? "IPv4" : "IPv6";
}

void check_ecn_option(const ReceiveChecks& checks, std::vector<Finding>& out) {
    nlohmann::json refusals = nlohmann::json::array();
    std::vector<std::string> parts;
    std::vector<std::string> options;
    std::string first_error;
    for (const auto& check : checks.ecn) {
        if (verdict(check) != EcnVerdict::option_refused) continue;
        const auto& error = check.receive_option_error;
        // Name and number only: the OS's message goes to the evidence.
        parts.push_back(fmt::format("setsockopt({}) on {}: {} ({})", check.receive_option,
                                    family_label(check.family), error.native_name, error.native));
        options.push_back(check.receive_option);
        if (first_error.empty())
            first_error = fmt::format("{} ({})", error.native_name, error.native);
        auto evidence = error.to_evidence();
        evidence["family"] = family_label(check.family);
        evidence["option"] = check.receive_option;
        refusals.push_back(evidence);
    }
    if (refusals.empty()) return;
    out.push_back(make_udp_finding(
        "ND-UDP-013", Severity::error,
        fmt::format("The ECN receive option{} {} {} refused: {}", options.size() > 1 ? "s" : "",
                    joined(options, " and "), options.size() > 1 ? "are" : "is", first_error),
        fmt::format("{}. QUIC stacks set this option when they open their socket and treat a "
                    "refusal as fatal: quinn and iroh endpoints fail to start here (seen under "
                    "Wine and Proton)",
                    joined(parts, "; ")),
        {{"refused", refusals}},
        {"Under Wine or Proton: run the program's native build, or a build whose QUIC library "
         "goes on without ECN when the option is refused; Wine does not implement IP_RECVECN / "
         "IPV6_RECVECN",
         "On Windows: ECN reception needs Windows 10 build 20348 / Windows 11 or Server 2022 and "
         "later; update the OS",
         "In your own program: treat a refused ECN option as \"no ECN\" (log it once) instead of "
         "failing to open the socket"}));
}

void check_ecn_mark(const ReceiveChecks& checks, std::vector<Finding>& out) {
    for (const auto& check : checks.ecn) {
        const auto v = verdict(check);
        if (v != EcnVerdict::not_read_back && v != EcnVerdict::send_refused &&
            v != EcnVerdict::lost) {
            continue;
        }
        std::string detail;
        if (v == EcnVerdict::send_refused) {
            detail =
                fmt::format("{} failed: {}", check.send.failed_call, check.send.error.describe());
        } else if (v == EcnVerdict::lost) {
            detail = "the marked datagram never reached the loopback receiver";
            if (check.receive_error) detail += ": " + check.receive_error.describe();
        } else {
            detail = fmt::format(
                "sent {} with {}, the receiver ({} accepted) read {}", ecn_name(check.mark_sent),
                check.send_control, check.receive_option,
                check.mark_read ? ecn_name(*check.mark_read) : std::string("no mark at all"));
        }
        out.push_back(make_udp_finding(
            "ND-UDP-014", Severity::warning,
            fmt::format("An {} mark sent over {} loopback does not come back",
                        ecn_name(check.mark_sent), family_label(check.family)),
            detail + "; QUIC stacks validate ECN and turn it off here, so congestion is only "
                     "seen as loss",
            {{"family", family_label(check.family)},
             {"verdict", to_string(v)},
             {"receive_option", check.receive_option},
             {"send_control", check.send_control},
             {"mark_sent", ecn_name(check.mark_sent)},
             {"mark_read",
              check.mark_read ? nlohmann::json(ecn_name(*check.mark_read)) : nlohmann::json()},
             {"send", to_json(check.send)}},
            {"Check for rules that rewrite the TOS / traffic class on lo (`nft list ruleset`, "
             "`iptables -t mangle -S`); on Windows, QoS policies (`Get-NetQosPolicy`)",
             "Nothing fails because of it; QUIC connections run without ECN"}));
    }
}

void check_coalescing(const ReceiveChecks& checks, std::vector<Finding>& out) {
    if (!checks.coalescing) return;
    const auto& c = *checks.coalescing;
    const auto* read = unsplittable_read(c);
    if (read == nullptr) return;
    std::string told = read->segment_size
                           ? fmt::format("with a segment size of {}", *read->segment_size)
                           : fmt::format("without {}", c.control);
    nlohmann::json reads = nlohmann::json::array();
    for (const auto& r : c.reads) {
        reads.push_back({{"bytes", r.size},
                         {"segment_size",
                          r.segment_size ? nlohmann::json(*r.segment_size) : nlohmann::json()}});
    }
    out.push_back(make_udp_finding(
        "ND-UDP-015", Severity::error,
        fmt::format("Coalesced datagrams of {} bytes arrive without the segment size", read->size),
        fmt::format("{} segments of {} bytes sent ({}) to a receiver with {}; it read {} bytes at "
                    "once {}: a receiver cannot split them back into datagrams",
                    c.segments, c.segment_size, c.send_path, c.option, read->size, told),
        {{"option", c.option},
         {"control", c.control},
         {"segment_size", c.segment_size},
         {"segments", c.segments},
         {"reads", reads}},
        {"Turn receive coalescing off in the program (do not set UDP_GRO / "
         "UDP_RECV_MAX_COALESCED_SIZE) until the driver is fixed",
         "Windows 11: turn URO off for the host (`netsh int udp set global uro=disabled`, "
         "check with `netsh int udp show global`); Linux: `ethtool -K IFACE gro off`",
         "Update the network driver (seen with ARM + WSL2 and some USB docks)"}));
}

}  // namespace receive_findings_detail

void append_receive_findings(const ReceiveChecks& checks, std::vector<Finding>& out) {
    receive_findings_detail::check_ecn_option(checks, out);
    receive_findings_detail::check_ecn_mark(checks, out);
    receive_findings_detail::check_coalescing(checks, out);
}

}  // namespace netdiag::probes::udp_batch
