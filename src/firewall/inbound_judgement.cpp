#include "firewall/inbound_judgement.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace netdiag::fw {
namespace {

namespace pf = platform::firewall;

bool same_id(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

const pf::Network* network_of(const pf::HostFirewall& fw, const std::string& adapter_id) {
    for (const auto& network : fw.networks) {
        for (const auto& id : network.adapter_ids) {
            if (same_id(id, adapter_id)) return &network;
        }
    }
    return nullptr;
}

const pf::Profile* profile_of(const pf::HostFirewall& fw, unsigned type) {
    for (const auto& profile : fw.profiles) {
        if (profile.type == type) return &profile;
    }
    return nullptr;
}

const pf::Rule* first_rule(const pf::HostFirewall& fw, const InboundQuestion& q, unsigned profile,
                           bool allow) {
    for (const auto& rule : fw.rules) {
        if (rule.allow == allow && (rule.profiles & profile) != 0 &&
            rule_matches(rule, q.need, q.programs)) {
            return &rule;
        }
    }
    return nullptr;
}

InboundVerdict verdict_of(InboundOutcome outcome, std::string reason) {
    InboundVerdict v;
    v.outcome = outcome;
    v.reason = std::move(reason);
    return v;
}

InboundVerdict undecided(std::string reason) {
    return verdict_of(InboundOutcome::undecided, std::move(reason));
}

std::string profile_label(unsigned profile) {
    return std::string(pf::profile_name(profile));
}

std::string protocol_upper(int protocol) {
    auto name = pf::protocol_name(protocol);
    for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

std::string port_text(const TrafficNeed& need) {
    return need.port_first == need.port_last
               ? std::to_string(need.port_first)
               : fmt::format("{}-{}", need.port_first, need.port_last);
}

std::string adapter_text(const InboundQuestion& q) {
    return q.adapter_name.empty() ? q.adapter_id : q.adapter_name;
}

// "New-NetFirewallRule …" for exactly this need on this profile.
std::string allow_rule_command(const InboundQuestion& q, unsigned profile) {
    std::string command = fmt::format(
        "New-NetFirewallRule -DisplayName \"{}\" -Direction Inbound -Action Allow -Protocol {} "
        "-LocalPort {} -Profile {}",
        q.need.what, protocol_upper(q.need.protocol), port_text(q.need),
        profile_label(profile) == "public"    ? "Public"
        : profile_label(profile) == "private" ? "Private"
                                              : "Domain");
    if (!q.need.local_address.empty()) command += " -LocalAddress " + q.need.local_address;
    command += " -Program \"PATH\\TO\\YOUR\\PROGRAM.exe\"";
    return command;
}

nlohmann::json rule_json(const pf::Rule& rule) {
    auto profiles = nlohmann::json::array();
    for (const unsigned type : {pf::kDomain, pf::kPrivate, pf::kPublic}) {
        if ((rule.profiles & type) != 0) profiles.push_back(pf::profile_name(type));
    }
    return {{"name", rule.name},
            {"direction", rule.inbound ? "in" : "out"},
            {"action", rule.allow ? "allow" : "block"},
            {"profiles", std::move(profiles)},
            {"protocol", pf::protocol_name(rule.protocol)},
            {"local_ports", rule.local_ports},
            {"local_addresses", rule.local_addresses},
            {"program", rule.program}};
}

Finding base_finding(std::string_view id, Severity severity, const InboundVerdict& v,
                     const InboundQuestion& q) {
    auto f = FindingFactory(q.probe)(id, severity, {});
    f.evidence = {{"profile", profile_label(v.profile)},
                  {"network", v.network},
                  {"adapter", adapter_text(q)},
                  {"adapter_id", q.adapter_id},
                  {"protocol", pf::protocol_name(q.need.protocol)},
                  {"port", port_text(q.need)},
                  {"local_address", q.need.local_address},
                  {"programs", q.programs}};
    if (v.rule) f.evidence["rule"] = rule_json(*v.rule);
    return f;
}

Finding blocked_by_default(const InboundVerdict& v, const InboundQuestion& q) {
    const auto profile = profile_label(v.profile);
    auto f = base_finding(kBlockedByDefault, Severity::warning, v, q);
    f.title = fmt::format("Windows Firewall's {} profile blocks {} on {}: no rule allows it",
                          profile, q.need.what, adapter_text(q));
    f.detail = fmt::format(
        "{} is on the network \"{}\", which Windows treats as {}. That profile's default "
        "inbound action is block and no enabled inbound rule allows {} port {}{} for this "
        "program, so the traffic the probe needs is dropped before any socket sees it",
        adapter_text(q), v.network, profile, pf::protocol_name(q.need.protocol), port_text(q.need),
        q.need.local_address.empty() ? "" : " to " + q.need.local_address);
    if (v.profile == pf::kPublic) {
        f.remedy.push_back(fmt::format(
            "If you trust this network, make it Private (PowerShell as administrator): "
            "Set-NetConnectionProfile -InterfaceAlias \"{}\" -NetworkCategory Private; or "
            "Settings > Network & internet > {} > Network profile type: Private",
            adapter_text(q), adapter_text(q)));
    }
    f.remedy.push_back(
        "Or allow the traffic for your program on this profile (PowerShell as "
        "administrator): " +
        allow_rule_command(q, v.profile));
    if (v.profile == pf::kDomain) {
        f.remedy.push_back(
            "On a domain network Group Policy may override local rules: ask the "
            "domain's administrators for the rule");
    }
    return f;
}

Finding blocked_by_rule(const InboundVerdict& v, const InboundQuestion& q) {
    auto f = base_finding(kBlockedByRule, Severity::error, v, q);
    f.title = fmt::format("Windows Firewall rule \"{}\" blocks {} on {}", v.rule->name, q.need.what,
                          adapter_text(q));
    f.detail = fmt::format(
        "The enabled inbound block rule \"{}\" ({} port {}, local address {}, program {}) "
        "applies to the {} profile of the network \"{}\" that {} is on. Block rules win over "
        "allow rules, so no allow rule can let this traffic in while it is enabled",
        v.rule->name, pf::protocol_name(v.rule->protocol),
        v.rule->local_ports.empty() ? "any" : v.rule->local_ports,
        v.rule->local_addresses.empty() ? "any" : v.rule->local_addresses,
        v.rule->program.empty() ? "any" : v.rule->program, profile_label(v.profile), v.network,
        adapter_text(q));
    f.remedy = {
        fmt::format("See the rule: Get-NetFirewallRule -DisplayName \"{}\" | Format-List *",
                    v.rule->name),
        fmt::format("If it is not wanted, disable it (PowerShell as administrator): "
                    "Disable-NetFirewallRule -DisplayName \"{}\"",
                    v.rule->name),
        "If a security product or Group Policy owns the rule, change it there: a local change "
        "is put back"};
    return f;
}

Finding blocked_all(const InboundVerdict& v, const InboundQuestion& q) {
    const auto profile = profile_label(v.profile);
    auto f = base_finding(kBlockedAll, Severity::warning, v, q);
    f.title = fmt::format("Windows Firewall's {} profile blocks all incoming connections on {}",
                          profile, adapter_text(q));
    f.detail = fmt::format(
        "{} is on the network \"{}\" ({} profile), and that profile has \"Block all incoming "
        "connections, including those in the list of allowed apps\" on: every inbound rule is "
        "ignored, so {} cannot arrive",
        adapter_text(q), v.network, profile, q.need.what);
    f.remedy = {
        fmt::format("Let the allow rules apply again (PowerShell as administrator): "
                    "Set-NetFirewallProfile -Profile {} -AllowInboundRules True; or Windows "
                    "Security > Firewall & network protection > {} network > clear \"Blocks all "
                    "incoming connections\"",
                    profile == "public"    ? "Public"
                    : profile == "private" ? "Private"
                                           : "Domain",
                    profile == "public"    ? "Public"
                    : profile == "private" ? "Private"
                                           : "Domain")};
    if (v.profile == pf::kPublic) {
        f.remedy.push_back(
            fmt::format("Or, if you trust this network, make it Private: Set-NetConnectionProfile "
                        "-InterfaceAlias \"{}\" -NetworkCategory Private",
                        adapter_text(q)));
    }
    return f;
}

}  // namespace

std::string_view to_string(InboundOutcome outcome) {
    switch (outcome) {
        case InboundOutcome::not_applicable:
            return "not-applicable";
        case InboundOutcome::undecided:
            return "undecided";
        case InboundOutcome::not_on_a_network:
            return "not-on-a-network";
        case InboundOutcome::firewall_off:
            return "firewall-off";
        case InboundOutcome::allowed_by_rule:
            return "allowed-by-rule";
        case InboundOutcome::allowed_by_default:
            return "allowed-by-default";
        case InboundOutcome::blocked_by_rule:
            return "blocked-by-rule";
        case InboundOutcome::blocked_all:
            return "blocked-all";
        case InboundOutcome::blocked_by_default:
            return "blocked-by-default";
    }
    return "undecided";
}

InboundVerdict judge_inbound(const pf::HostFirewall& fw, const InboundQuestion& q) {
    if (!fw.applicable) {
        return verdict_of(InboundOutcome::not_applicable, "no Windows Firewall on this system");
    }
    if (!fw.com.decided()) return undecided("COM not available: " + fw.com.describe());
    if (!fw.networks_read) {
        return undecided("network categories not read: " + fw.networks_undecided.describe());
    }
    const auto* network = network_of(fw, q.adapter_id);
    if (network == nullptr) {
        return verdict_of(InboundOutcome::not_on_a_network,
                          fmt::format("{} is on no connected network the Network List Manager "
                                      "lists, so no firewall profile is known for it",
                                      adapter_text(q)));
    }
    if (!network->category) {
        return undecided(fmt::format("category of network \"{}\" not read: {}", network->name,
                                     network->category_undecided.describe()));
    }
    InboundVerdict v;
    v.profile = *network->category;
    v.network = network->name;
    const auto label = profile_label(v.profile);
    if (!fw.policy_read) {
        v.outcome = InboundOutcome::undecided;
        v.reason = "firewall policy not read: " + fw.policy_undecided.describe();
        return v;
    }
    const auto* profile = profile_of(fw, v.profile);
    if (profile == nullptr || !profile->enabled) {
        v.outcome = InboundOutcome::undecided;
        v.reason = fmt::format("whether the {} profile is on was not read{}", label,
                               profile == nullptr || profile->undecided.empty()
                                   ? std::string{}
                                   : ": " + profile->undecided.front().describe());
        return v;
    }
    if (!*profile->enabled) {
        v.outcome = InboundOutcome::firewall_off;
        v.reason = fmt::format("the {} profile's firewall is off", label);
        return v;
    }
    if (fw.rules_read) {
        if (const auto* rule = first_rule(fw, q, v.profile, false)) {
            v.outcome = InboundOutcome::blocked_by_rule;
            v.rule = *rule;
            v.reason = fmt::format("block rule \"{}\" matches", rule->name);
            return v;
        }
    }
    if (profile->block_all_inbound.value_or(false)) {
        v.outcome = InboundOutcome::blocked_all;
        v.reason = fmt::format("the {} profile blocks all incoming connections", label);
        return v;
    }
    if (!fw.rules_read) {
        v.outcome = InboundOutcome::undecided;
        v.reason = "firewall rules not read: " + fw.rules_undecided.describe();
        return v;
    }
    if (const auto* rule = first_rule(fw, q, v.profile, true)) {
        // Unknown "block all" leaves an allow rule's word open.
        if (!profile->block_all_inbound) {
            v.outcome = InboundOutcome::undecided;
            v.reason = fmt::format(
                "allow rule \"{}\" matches, but whether the {} profile "
                "blocks all incoming connections was not read",
                rule->name, label);
            return v;
        }
        v.outcome = InboundOutcome::allowed_by_rule;
        v.rule = *rule;
        v.reason = fmt::format("allow rule \"{}\" matches", rule->name);
        return v;
    }
    if (!profile->default_inbound_block) {
        v.outcome = InboundOutcome::undecided;
        v.reason = fmt::format(
            "no rule matches and the {} profile's default inbound action "
            "was not read",
            label);
        return v;
    }
    v.outcome = *profile->default_inbound_block ? InboundOutcome::blocked_by_default
                                                : InboundOutcome::allowed_by_default;
    v.reason = fmt::format("no rule matches; the {} profile's default inbound action is {}", label,
                           *profile->default_inbound_block ? "block" : "allow");
    return v;
}

std::optional<Finding> inbound_finding(const InboundVerdict& verdict,
                                       const InboundQuestion& question) {
    switch (verdict.outcome) {
        case InboundOutcome::blocked_by_default:
            return blocked_by_default(verdict, question);
        case InboundOutcome::blocked_by_rule:
            return blocked_by_rule(verdict, question);
        case InboundOutcome::blocked_all:
            return blocked_all(verdict, question);
        default:
            return std::nullopt;
    }
}

}  // namespace netdiag::fw
