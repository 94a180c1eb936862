#include "receive_facts.hpp"

#include <fmt/format.h>

#include "udp_batch_run.hpp"

namespace netdiag::probes::udp_batch {

namespace receive_facts_detail {

std::string_view family_name(platform::udp::Family family) {
    return family == platform::udp::Family::ipv4 ? "ipv4" : "ipv6";
}

nlohmann::json ecn_json(const EcnCheck& check) {
    nlohmann::json json{{"family", family_name(check.family)},
                        {"verdict", to_string(verdict(check))}};
    if (!check.skipped.empty()) {
        json["skipped"] = check.skipped;
        return json;
    }
    json["receive_option"] = check.receive_option;
    json["receive_option_accepted"] = !check.receive_option_error;
    if (check.receive_option_error)
        json["receive_option_error"] = check.receive_option_error.to_evidence();
    json["send_control"] = check.send_control;
    json["mark_sent"] = ecn_name(check.mark_sent);
    json["send"] = to_json(check.send);
    json["arrived"] = check.arrived;
    json["mark_read"] = check.mark_read ? nlohmann::json(ecn_name(*check.mark_read)) : nullptr;
    if (check.receive_error) json["receive_error"] = check.receive_error.to_evidence();
    return json;
}

nlohmann::json coalescing_json(const CoalescingCheck& check) {
    if (!check.skipped.empty())
        return nlohmann::json{{"verdict", "skipped"}, {"skipped", check.skipped}};
    nlohmann::json json{{"option", check.option},
                        {"control", check.control},
                        {"option_accepted", !check.option_error},
                        {"verdict", to_string(verdict(check))},
                        {"segment_size", check.segment_size},
                        {"segments", check.segments}};
    if (check.option_error) {
        json["option_error"] = check.option_error.to_evidence();
        return json;
    }
    json["send_path"] = check.send_path;
    json["send"] = to_json(check.send);
    nlohmann::json reads = nlohmann::json::array();
    for (const auto& read : check.reads) {
        reads.push_back({{"bytes", read.size},
                         {"segment_size", read.segment_size ? nlohmann::json(*read.segment_size)
                                                            : nlohmann::json(nullptr)}});
    }
    json["reads"] = reads;
    if (check.receive_error) json["receive_error"] = check.receive_error.to_evidence();
    return json;
}

}  // namespace receive_facts_detail

EcnVerdict verdict(const EcnCheck& check) {
    if (!check.skipped.empty()) return EcnVerdict::skipped;
    if (check.receive_option_error) return EcnVerdict::option_refused;
    if (check.send.status != platform::udp::SendStatus::accepted) return EcnVerdict::send_refused;
    if (!check.arrived) return EcnVerdict::lost;
    return check.mark_read == check.mark_sent ? EcnVerdict::read_back : EcnVerdict::not_read_back;
}

const CoalescedRead* unsplittable_read(const CoalescingCheck& check) {
    for (const auto& read : check.reads) {
        if (read.size <= check.segment_size) continue;
        // A segment size other than the one sent splits the read in the wrong places.
        if (!read.segment_size || *read.segment_size != check.segment_size) return &read;
    }
    return nullptr;
}

CoalescingVerdict verdict(const CoalescingCheck& check) {
    if (!check.skipped.empty()) return CoalescingVerdict::skipped;
    if (check.option_error) return CoalescingVerdict::not_supported;
    if (unsplittable_read(check) != nullptr) return CoalescingVerdict::coalesced_without_size;
    for (const auto& read : check.reads) {
        if (read.size > check.segment_size) return CoalescingVerdict::coalesced_with_size;
    }
    if (check.send.status == platform::udp::SendStatus::rejected)
        return CoalescingVerdict::send_failed;
    return CoalescingVerdict::not_coalesced;
}

std::string_view to_string(EcnVerdict verdict) {
    switch (verdict) {
        case EcnVerdict::skipped:
            return "skipped";
        case EcnVerdict::option_refused:
            return "option-refused";
        case EcnVerdict::send_refused:
            return "send-refused";
        case EcnVerdict::lost:
            return "not-received";
        case EcnVerdict::read_back:
            return "read-back";
        case EcnVerdict::not_read_back:
            return "mark-not-read-back";
    }
    return "unknown";
}

std::string_view to_string(CoalescingVerdict verdict) {
    switch (verdict) {
        case CoalescingVerdict::skipped:
            return "skipped";
        case CoalescingVerdict::not_supported:
            return "not-supported";
        case CoalescingVerdict::send_failed:
            return "send-failed";
        case CoalescingVerdict::not_coalesced:
            return "not-coalesced";
        case CoalescingVerdict::coalesced_with_size:
            return "coalesced-with-segment-size";
        case CoalescingVerdict::coalesced_without_size:
            return "coalesced-without-segment-size";
    }
    return "unknown";
}

std::string ecn_name(std::uint8_t bits) {
    switch (bits & 0b11) {
        case platform::udp::kEcnNotEct:
            return "Not-ECT";
        case platform::udp::kEcnEct1:
            return "ECT(1)";
        case platform::udp::kEcnEct0:
            return "ECT(0)";
        default:
            return "CE";
    }
}

nlohmann::json to_json(const ReceiveChecks& checks) {
    nlohmann::json ecn = nlohmann::json::array();
    for (const auto& check : checks.ecn) ecn.push_back(receive_facts_detail::ecn_json(check));
    nlohmann::json json{{"ecn", ecn}};
    if (checks.coalescing)
        json["coalescing"] = receive_facts_detail::coalescing_json(*checks.coalescing);
    return json;
}

std::string receive_summary(const ReceiveChecks& checks) {
    std::string line;
    for (const auto& check : checks.ecn) {
        line += line.empty() ? "ECN " : ", ";
        line += fmt::format("{} {}", receive_facts_detail::family_name(check.family),
                            to_string(verdict(check)));
        if (check.receive_option_error) line += " (" + check.receive_option_error.native_name + ")";
    }
    if (checks.coalescing) {
        const auto& c = *checks.coalescing;
        if (!line.empty()) line += "; ";
        line += fmt::format("receive coalescing ({}) {}", c.option, to_string(verdict(c)));
        if (c.option_error) line += " (" + c.option_error.native_name + ")";
    }
    return line;
}

}  // namespace netdiag::probes::udp_batch
