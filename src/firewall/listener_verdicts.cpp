#include "firewall/listener_verdicts.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "firewall/inbound_judgement.hpp"
#include "platform/interface_names.hpp"

namespace netdiag::fw {
namespace {

bool is_wildcard(const std::string& address) {
    return address.empty() || address == "0.0.0.0" || address == "::";
}

bool receives(const platform::NetInterface& iface, const std::string& listen_address) {
    if (iface.flags.loopback || !iface.flags.up || iface.addresses.empty()) return false;
    if (is_wildcard(listen_address)) return true;
    return std::any_of(iface.addresses.begin(), iface.addresses.end(),
                       [&](const auto& a) { return a.address == listen_address; });
}

}  // namespace

std::vector<std::string> listener_firewall_lines(const platform::HostSnapshot& host,
                                                 const std::string& listen_address,
                                                 const std::vector<TrafficNeed>& needs,
                                                 const std::vector<std::string>& programs) {
    std::vector<std::string> lines;
    if (!host.firewall.applicable) return lines;
    for (const auto& iface : host.interfaces) {
        if (!receives(iface, listen_address)) continue;
        for (const auto& need : needs) {
            InboundQuestion q{.probe = "peer",
                              .need = need,
                              .programs = programs,
                              .adapter_id = iface.name,
                              .adapter_name = platform::display_name(iface)};
            const auto verdict = judge_inbound(host.firewall, q);
            if (const auto finding = inbound_finding(verdict, q)) {
                lines.push_back(fmt::format(
                    "{} {}: {}. Do: {}", to_string(finding->severity), finding->id, finding->title,
                    finding->remedy.empty() ? "" : finding->remedy.front()));
            } else {
                lines.push_back(fmt::format("Windows Firewall, {} on {}: {} ({})", need.what,
                                            q.adapter_name, to_string(verdict.outcome),
                                            verdict.reason));
            }
        }
    }
    return lines;
}

}  // namespace netdiag::fw
