// A send the host refused (ND-MCAST-015: a rule in the output path, EPERM at the sender), and
// the firewall evidence it shares with a datagram lost on the way in (ND-MCAST-004).
#include "probes/multicast/findings_common.hpp"
#include "probes/multicast/multicast_checks.hpp"
#include "probes/multicast/multicast_findings.hpp"
#include "probes/multicast/nft_ruleset.hpp"

namespace netdiag::probes::multicast {
namespace {

std::string counter_text(const FirewallRule& rule) {
    if (!rule.packets_before) return "no counter";
    if (!rule.packets_after) return fmt::format("counter {}", *rule.packets_before);
    if (rule.counter_rose()) {
        return fmt::format("counter rose by {} during the probe",
                           *rule.packets_after - *rule.packets_before);
    }
    return "counter did not move during the probe";
}

}  // namespace

std::string firewall_detail(const MulticastFacts& facts) {
    const auto& fw = facts.firewall;
    if (!fw.looked) return {};
    if (!fw.ruleset_read) return fmt::format(". Firewall rules not read: {}", fw.note);
    if (fw.rules.empty()) {
        return fmt::format(
            ". `{}` has no rule on {} or port {}, and no drop counter rose "
            "while the probe sent again",
            fw.tool, facts.group, facts.test_port);
    }
    std::string text;
    for (const auto& rule : fw.rules) {
        text += fmt::format("{}{} ({})", text.empty() ? "" : "; ", describe_rule(rule),
                            counter_text(rule));
    }
    return fmt::format(". Rules on the group or port ({}): {}", fw.tool, text);
}

void add_firewall_evidence(const MulticastFacts& facts, nlohmann::json& evidence) {
    const auto& fw = facts.firewall;
    if (!fw.looked) return;
    evidence["firewall_tool"] = fw.tool;
    if (!fw.ruleset_read) {
        evidence["firewall_note"] = fw.note;
        return;
    }
    evidence["firewall_rules"] = nlohmann::json::array();
    for (const auto& rule : fw.rules) {
        evidence["firewall_rules"].push_back(
            {{"rule", describe_rule(rule)},
             {"hook", rule.hook},
             {"verdict", rule.verdict},
             {"counter_rose", rule.counter_rose()},
             {"packets_before",
              rule.packets_before ? nlohmann::json(*rule.packets_before) : nlohmann::json(nullptr)},
             {"packets_after",
              rule.packets_after ? nlohmann::json(*rule.packets_after) : nlohmann::json(nullptr)}});
    }
}

void judge_send_refused(const MulticastFacts& facts, std::vector<Finding>& out) {
    for (const auto& row : facts.interfaces) {
        if (!row.tried || row.sent || !is_send_refused(row.send_error)) continue;
        if (!row.zenoh_uses && !row.is_default) continue;
        auto f = make_finding(
            kSendRefused, Severity::error,
            fmt::format("A local firewall rule refuses multicast sent on {}", row.name));
        f.detail = fmt::format(
            "Sending to {} on {} failed with {}: the host itself refused the datagram on its "
            "way out (an output rule that drops or rejects it), so no peer can ever hear this "
            "host's Scouts{}",
            endpoint_text(facts.group, facts.test_port), row.name, described(row.send_error),
            firewall_detail(facts));
        f.evidence = {{"interface", row.name},
                      {"group", facts.group},
                      {"port", facts.test_port},
                      {"direction", "output"}};
        add_error(f.evidence, row.send_error);
        add_firewall_evidence(facts, f.evidence);
        f.remedy = {
            fmt::format("Find the output rule: sudo nft -a list ruleset (chains with hook "
                        "output), sudo iptables -S OUTPUT; look for udp dport {} or {}",
                        facts.test_port, facts.group),
            fmt::format("Allow it, e.g. sudo nft insert rule inet TABLE CHAIN {} daddr {} udp "
                        "dport {} accept (or delete the drop: sudo nft delete rule inet TABLE "
                        "CHAIN handle N)",
                        facts.family == platform::multicast::Family::ipv4 ? "ip" : "ip6",
                        facts.group, facts.test_port),
            "A security product or a cgroup BPF program can refuse sends the same way: check "
            "its policy if no rule matches"};
        out.push_back(std::move(f));
    }
}

}  // namespace netdiag::probes::multicast
