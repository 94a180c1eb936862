// A copy that never came back on an adapter, judged against the Windows Firewall facts of the
// host: ND-FW-001/002/003 when the profile or a rule blocks the group's port there, and the
// verdict's reason in ND-MCAST-004 when the firewall lets it in or could not be read.
#include "firewall/inbound_judgement.hpp"
#include "probes/multicast/findings_common.hpp"
#include "probes/multicast/multicast_findings.hpp"

namespace netdiag::probes::multicast {
namespace {

fw::InboundQuestion question_for(const MulticastFacts& facts, const InterfaceCheck& row) {
    fw::InboundQuestion q;
    q.probe = "multicast";
    q.need.what = fmt::format("multicast {}", endpoint_text(facts.group, facts.test_port));
    q.need.protocol = platform::firewall::kUdp;
    q.need.port_first = facts.test_port;
    q.need.port_last = facts.test_port;
    q.need.local_address = facts.group;
    q.programs = facts.programs;
    q.adapter_id = row.adapter_id;
    q.adapter_name = row.name;
    return q;
}

}  // namespace

bool copy_lost(const InterfaceCheck& row) {
    return !row.is_default && !row.loopback && row.tried && row.joined && row.sent &&
           !row.looped_back && !row.looped_elsewhere && row.foreign_datagrams == 0;
}

std::string windows_firewall_detail(const MulticastFacts& facts, const InterfaceCheck& row,
                                    nlohmann::json& evidence) {
    if (!facts.windows_firewall.applicable || !copy_lost(row)) return {};
    const auto verdict = fw::judge_inbound(facts.windows_firewall, question_for(facts, row));
    evidence["windows_firewall"] = {{"verdict", fw::to_string(verdict.outcome)},
                                    {"reason", verdict.reason}};
    return fmt::format(". Windows Firewall: {} ({})", fw::to_string(verdict.outcome),
                       verdict.reason);
}

void judge_windows_firewall(const MulticastFacts& facts, std::vector<Finding>& out) {
    if (!facts.windows_firewall.applicable) return;
    for (const auto& row : facts.interfaces) {
        if (!copy_lost(row) || (!row.zenoh_uses && !row.is_default)) continue;
        const auto question = question_for(facts, row);
        const auto verdict = fw::judge_inbound(facts.windows_firewall, question);
        if (auto finding = fw::inbound_finding(verdict, question)) {
            out.push_back(std::move(*finding));
        }
    }
}

}  // namespace netdiag::probes::multicast
