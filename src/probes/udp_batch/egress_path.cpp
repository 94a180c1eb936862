#include "egress_path.hpp"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "core/ip_literal.hpp"

namespace netdiag::probes::udp_batch {
namespace {

using platform::udp::Family;

// The errno for a segment over the MTU changed in 6.14, and the change was back-ported to
// 6.1.129; checksumming in software instead of failing came with 6.11 (kMtuRule, kChecksumRule).
std::string mtu_errno(const std::optional<KernelVersion>& kernel) {
    if (!kernel) return "EMSGSIZE or EINVAL";
    const bool fixed = kernel->at_least(6, 14) ||
                       (kernel->major == 6 && kernel->minor == 1 && kernel->patch >= 129);
    return fixed ? "EMSGSIZE" : "EINVAL";
}

// True when the policy's destination selector holds address (IPv4 or IPv6, by prefix).
bool covers(const platform::egress::IpsecPolicy& policy, const std::string& address) {
    if (policy.prefix_length == 0) return true;
    const auto net = parse_ip_literal(policy.destination);
    const auto host = parse_ip_literal(address);
    if (!net || !host || net->is_v4() != host->is_v4()) return false;
    std::vector<unsigned char> a;
    std::vector<unsigned char> b;
    if (net->is_v4()) {
        const auto x = net->to_v4().to_bytes();
        const auto y = host->to_v4().to_bytes();
        a.assign(x.begin(), x.end());
        b.assign(y.begin(), y.end());
    } else {
        const auto x = net->to_v6().to_bytes();
        const auto y = host->to_v6().to_bytes();
        a.assign(x.begin(), x.end());
        b.assign(y.begin(), y.end());
    }
    const unsigned bits = std::min<unsigned>(policy.prefix_length, a.size() * 8);
    for (unsigned bit = 0; bit < bits; ++bit) {
        const unsigned mask = 0x80u >> (bit % 8);
        if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) return false;
    }
    return true;
}

// The policies that take this route's traffic: for the default route, those covering every
// destination; for a named destination, those whose selector holds it.
std::vector<std::string> covering_policies(const EgressFacts& facts) {
    std::vector<std::string> covering;
    if (!facts.ipsec.value) return covering;
    const bool default_route = facts.destination.empty();
    for (const auto& policy : *facts.ipsec.value) {
        if (policy.family != facts.family) continue;
        const bool hit =
            default_route ? policy.prefix_length == 0 : covers(policy, facts.destination);
        if (hit) covering.push_back(fmt::format("{}/{}", policy.destination, policy.prefix_length));
    }
    return covering;
}

void fail(EgressVerdict& verdict, std::string error, std::string reason, std::string_view rule) {
    if (verdict.status != EgressStatus::fails) verdict.expected_error = std::move(error);
    verdict.status = EgressStatus::fails;
    verdict.reasons.push_back(std::move(reason));
    verdict.kernel_rules.emplace_back(rule);
}

}  // namespace

std::string_view to_string(EgressStatus status) {
    switch (status) {
        case EgressStatus::fits:
            return "fits";
        case EgressStatus::fails:
            return "fails";
        case EgressStatus::undecided:
            return "undecided";
    }
    return "undecided";
}

bool KernelVersion::at_least(int want_major, int want_minor, int want_patch) const {
    if (major != want_major) return major > want_major;
    if (minor != want_minor) return minor > want_minor;
    return patch >= want_patch;
}

std::optional<KernelVersion> parse_kernel_release(const std::string& release) {
    KernelVersion version;
    int consumed = 0;
    if (std::sscanf(release.c_str(), "%d.%d%n", &version.major, &version.minor, &consumed) != 2) {
        return std::nullopt;
    }
    if (release.size() > static_cast<std::size_t>(consumed) && release[consumed] == '.') {
        std::sscanf(release.c_str() + consumed + 1, "%d", &version.patch);
    }
    if (version.major <= 0 || version.minor < 0 || version.patch < 0) return std::nullopt;
    return version;
}

EgressVerdict judge_segmented_send(const EgressFacts& facts, std::size_t segment_size) {
    EgressVerdict verdict;
    std::vector<std::string> unknown;
    if (!facts.unknown_because.empty()) {
        verdict.reasons.push_back(facts.unknown_because);
        return verdict;
    }
    if (facts.os != "linux") {
        verdict.reasons.push_back(
            "netdiag knows the Linux kernel's rules for segmented sends; on " +
            std::string(facts.os == "windows" ? "Windows" : facts.os) +
            " the adapter's driver decides what a segmented send does (PowerShell: "
            "Get-NetAdapterUso shows whether it offers UDP segmentation offload)");
        return verdict;
    }
    const auto kernel = parse_kernel_release(facts.kernel);
    if (!kernel) unknown.push_back("the kernel release '" + facts.kernel + "' is not readable");

    verdict.effective_mtu = facts.path_mtu        ? facts.path_mtu
                            : facts.route_mtu.mtu ? facts.route_mtu.mtu
                                                  : facts.interface_mtu;
    const unsigned headers = platform::udp::ip_udp_header_bytes(facts.family);
    if (!verdict.effective_mtu) {
        unknown.push_back(facts.route_mtu.unknown_because.empty()
                              ? "the MTU of " + facts.interface_name + " is not known"
                              : facts.route_mtu.unknown_because);
    } else {
        const unsigned mtu = *verdict.effective_mtu;
        verdict.largest_segment = mtu > headers ? mtu - headers : 0;
        if (segment_size + headers > mtu) {
            fail(verdict, mtu_errno(kernel),
                 fmt::format(
                     "{}-byte segments + {} bytes of headers exceed the MTU of {} ({})",
                     segment_size, headers, mtu,
                     facts.path_mtu ? "the route's path MTU"
                     : facts.route_mtu.mtu
                         ? (facts.route_mtu.locked ? "the route's locked MTU" : "the route's MTU")
                         : "the interface's MTU"),
                 kMtuRule);
        }
    }

    if (!facts.transmit_checksum.value) {
        unknown.push_back(facts.transmit_checksum.unknown_because);
    } else if (!*facts.transmit_checksum.value) {
        if (!kernel) {
            unknown.push_back(
                "no transmit checksum offload, and without the kernel version the outcome "
                "(EIO before 6.11, software from 6.11) is open");
        } else if (!kernel->at_least(6, 11)) {
            fail(verdict, "EIO",
                 facts.interface_name + " has no transmit checksum offload, and kernel " +
                     facts.kernel + " refuses segmented sends without it",
                 kChecksumRule);
        } else {
            verdict.notes.push_back(facts.interface_name +
                                    " has no transmit checksum offload: kernel " + facts.kernel +
                                    " checksums segmented sends in software (accepted, more CPU)");
            verdict.kernel_rules.emplace_back(kChecksumRule);
        }
    }

    if (!facts.ipsec.value) {
        unknown.push_back(facts.ipsec.unknown_because);
    } else if (const auto policies = covering_policies(facts); !policies.empty()) {
        std::string list;
        for (const auto& p : policies) list += (list.empty() ? "" : ", ") + p;
        fail(verdict, "EIO",
             "outbound IPsec policy for " + list + " covers the " + facts.route +
                 ": with its security association up, the kernel refuses segmented sends",
             kIpsecRule);
    }

    if (verdict.status == EgressStatus::fails) {
        // A definite failure stands even where another fact is unknown: say what was not read.
        for (auto& u : unknown) verdict.notes.push_back("not read: " + u);
        if (std::find(verdict.kernel_rules.begin(), verdict.kernel_rules.end(),
                      std::string(kMtuRule)) == verdict.kernel_rules.end() &&
            verdict.effective_mtu) {
            verdict.notes.push_back(
                fmt::format("the MTU ({}) is not the cause: segments up to {} "
                            "bytes fit",
                            *verdict.effective_mtu, *verdict.largest_segment));
        }
        return verdict;
    }
    if (!unknown.empty()) {
        verdict.status = EgressStatus::undecided;
        verdict.reasons = std::move(unknown);
        return verdict;
    }
    verdict.status = EgressStatus::fits;
    verdict.kernel_rules.insert(verdict.kernel_rules.begin(), std::string(kMtuRule));
    return verdict;
}

std::vector<EgressFacts> read_egress_facts(const platform::HostSnapshot& host,
                                           const platform::udp::Endpoint* destination) {
    const auto interface_mtu = [&host](const std::string& name) -> std::optional<unsigned> {
        for (const auto& iface : host.interfaces) {
            if (iface.name == name && iface.mtu > 0) return iface.mtu;
        }
        return std::nullopt;
    };
    // Windows names adapters by GUID; reports use the friendly name beside it ("Ethernet").
    const auto display_name = [&host](const std::string& name) -> std::string {
        for (const auto& iface : host.interfaces) {
            if (iface.name == name && !iface.friendly_name.empty()) return iface.friendly_name;
        }
        return name;
    };
    const auto interface_owning = [&host](const std::string& address) -> std::string {
        for (const auto& iface : host.interfaces) {
            for (const auto& owned : iface.addresses) {
                if (owned.address == address) return iface.name;
            }
        }
        return {};
    };
    // The policy store is one dump for the whole host, whichever routes are judged.
    std::optional<platform::egress::Known<std::vector<platform::egress::IpsecPolicy>>> ipsec;
    const auto common = [&host, &ipsec](EgressFacts& facts) {
        facts.os = host.facts.os;
        facts.kernel = host.facts.kernel;
        facts.transmit_checksum = platform::egress::transmit_checksum_offload(facts.interface_name);
        if (!ipsec) ipsec = platform::egress::outbound_ipsec_policies();
        facts.ipsec = *ipsec;
    };

    std::vector<EgressFacts> paths;
    if (destination != nullptr) {
        EgressFacts facts;
        facts.route = "route to " + destination->address;
        facts.destination = destination->address;
        facts.family = destination->family();
        const auto lookup = platform::egress::route_lookup(*destination);
        facts.unknown_because = lookup.unknown_because;
        facts.source = lookup.source;
        facts.gateway = lookup.gateway;
        facts.interface_name =
            lookup.interface_name.empty() ? interface_owning(lookup.source) : lookup.interface_name;
        facts.route_mtu = lookup.route_mtu;
        facts.path_mtu = lookup.mtu;
        facts.interface_mtu = interface_mtu(facts.interface_name);
        if (facts.unknown_because.empty()) common(facts);
        facts.interface_name = display_name(facts.interface_name);
        paths.push_back(std::move(facts));
        return paths;
    }
    for (const Family family : {Family::ipv4, Family::ipv6}) {
        const platform::Route* best = nullptr;
        for (const auto& route : host.default_routes) {
            if (route.family != (family == Family::ipv4 ? "ipv4" : "ipv6")) continue;
            if (best == nullptr || route.metric < best->metric) best = &route;
        }
        if (best == nullptr) continue;
        EgressFacts facts;
        facts.route = "default route";
        facts.family = family;
        facts.interface_name = best->interface_name;
        facts.gateway = best->gateway;
        facts.interface_mtu = interface_mtu(best->interface_name);
        facts.route_mtu = platform::egress::default_route_mtu(family, best->interface_index);
        common(facts);
        facts.interface_name = display_name(facts.interface_name);
        paths.push_back(std::move(facts));
    }
    return paths;
}

nlohmann::json to_json(const EgressJudgement& j) {
    const auto& f = j.facts;
    const auto& v = j.verdict;
    nlohmann::json facts{{"route", f.route},
                         {"family", f.family == Family::ipv4 ? "ipv4" : "ipv6"},
                         {"interface", f.interface_name},
                         {"kernel", f.kernel}};
    if (!f.gateway.empty()) facts["gateway"] = f.gateway;
    if (!f.source.empty()) facts["source"] = f.source;
    if (f.interface_mtu) facts["interface_mtu"] = *f.interface_mtu;
    if (f.route_mtu.mtu) {
        facts["route_mtu"] = *f.route_mtu.mtu;
        facts["route_mtu_locked"] = f.route_mtu.locked;
    }
    if (f.path_mtu) facts["path_mtu"] = *f.path_mtu;
    if (f.transmit_checksum.value) {
        facts["transmit_checksum_offload"] = *f.transmit_checksum.value;
    } else if (f.unknown_because.empty()) {
        facts["transmit_checksum_offload_unknown"] = f.transmit_checksum.unknown_because;
    }
    if (f.ipsec.value) {
        auto list = nlohmann::json::array();
        for (const auto& p : *f.ipsec.value) {
            list.push_back(fmt::format("{}/{}", p.destination, p.prefix_length));
        }
        facts["outbound_ipsec_policies"] = list;
    } else if (f.unknown_because.empty()) {
        facts["outbound_ipsec_policies_unknown"] = f.ipsec.unknown_because;
    }
    nlohmann::json verdict{{"segmented_send", to_string(v.status)}, {"reasons", v.reasons}};
    if (!v.expected_error.empty()) verdict["expected_error"] = v.expected_error;
    if (v.effective_mtu) verdict["mtu"] = *v.effective_mtu;
    if (v.largest_segment) verdict["largest_segment"] = *v.largest_segment;
    if (!v.kernel_rules.empty()) verdict["kernel_rules"] = v.kernel_rules;
    if (!v.notes.empty()) verdict["notes"] = v.notes;
    return {{"facts", facts}, {"verdict", verdict}};
}

std::string summary_line(const EgressJudgement& j, std::size_t segment_size) {
    const auto& f = j.facts;
    const auto& v = j.verdict;
    std::string where = f.interface_name.empty() ? f.route : f.interface_name + " (" + f.route;
    if (!f.interface_name.empty()) {
        if (!f.gateway.empty()) where += " via " + f.gateway;
        where += ")";
    }
    if (v.effective_mtu) where += fmt::format(", MTU {}", *v.effective_mtu);
    switch (v.status) {
        case EgressStatus::fits:
            return fmt::format("{}: {}-byte segments fit (judged, kernel {})", where, segment_size,
                               f.kernel);
        case EgressStatus::fails:
            return fmt::format("{}: {}-byte segments fail with {} (judged, kernel {})", where,
                               segment_size, v.expected_error, f.kernel);
        case EgressStatus::undecided:
            break;
    }
    return fmt::format("{}: undecided ({})", where,
                       v.reasons.empty() ? std::string("no reason") : v.reasons.front());
}

}  // namespace netdiag::probes::udp_batch
