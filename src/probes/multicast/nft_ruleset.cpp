#include "probes/multicast/nft_ruleset.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace netdiag::probes::multicast {
namespace {

using nlohmann::json;

// 224.0.0.224 → 0xe00000e0; nullopt for anything that is not a dotted quad.
std::optional<std::uint32_t> ipv4_value(const std::string& text) {
    std::uint32_t value = 0;
    int parts = 0;
    std::size_t i = 0;
    while (parts < 4) {
        std::size_t used = 0;
        unsigned long part = 0;
        try {
            part = std::stoul(text.substr(i), &used);
        } catch (const std::exception&) {
            return std::nullopt;
        }
        if (used == 0 || part > 255) return std::nullopt;
        value = (value << 8) | static_cast<std::uint32_t>(part);
        i += used;
        ++parts;
        if (parts < 4) {
            if (i >= text.size() || text[i] != '.') return std::nullopt;
            ++i;
        }
    }
    if (i != text.size()) return std::nullopt;
    return value;
}

std::string value_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_object() && v.contains("set") && v["set"].is_array()) {
        std::string out = "{ ";
        for (std::size_t i = 0; i < v["set"].size(); ++i) {
            out += (i ? ", " : "") + value_text(v["set"][i]);
        }
        return out + " }";
    }
    if (v.is_object() && v.contains("range") && v["range"].is_array() && v["range"].size() == 2) {
        return value_text(v["range"][0]) + "-" + value_text(v["range"][1]);
    }
    if (v.is_object() && v.contains("prefix") && v["prefix"].is_object()) {
        const auto& p = v["prefix"];
        return value_text(p.value("addr", json())) + "/" + value_text(p.value("len", json()));
    }
    if (v.is_object() && !v.empty()) return v.begin().key();
    return v.dump();
}

// Whether the match value v covers the wanted port or group.
bool covers(const json& v, const std::string& group, std::uint16_t port, bool is_port) {
    if (v.is_number_integer()) return is_port && v.get<long long>() == port;
    if (v.is_string()) return !is_port && v.get<std::string>() == group;
    if (!v.is_object()) return false;
    if (v.contains("set") && v["set"].is_array()) {
        return std::any_of(v["set"].begin(), v["set"].end(),
                           [&](const json& e) { return covers(e, group, port, is_port); });
    }
    if (v.contains("range") && v["range"].is_array() && v["range"].size() == 2) {
        const auto& r = v["range"];
        if (is_port && r[0].is_number_integer() && r[1].is_number_integer()) {
            return r[0].get<long long>() <= port && port <= r[1].get<long long>();
        }
        return false;
    }
    if (!is_port && v.contains("prefix") && v["prefix"].is_object()) {
        const auto& p = v["prefix"];
        const auto addr = ipv4_value(p.value("addr", std::string{}));
        const auto wanted = ipv4_value(group);
        const int len = p.value("len", -1);
        if (!addr || !wanted || len < 0 || len > 32) return false;
        const std::uint32_t mask = len == 0 ? 0 : ~std::uint32_t{0} << (32 - len);
        return (*addr & mask) == (*wanted & mask);
    }
    return false;
}

std::string left_text(const json& left) {
    if (left.is_object() && left.contains("payload") && left["payload"].is_object()) {
        const auto& p = left["payload"];
        return p.value("protocol", std::string{}) + " " + p.value("field", std::string{});
    }
    if (left.is_object() && left.contains("meta") && left["meta"].is_object()) {
        return "meta " + left["meta"].value("key", std::string{});
    }
    return value_text(left);
}

void read_expression(const json& e, FirewallRule& rule, std::string& text, const std::string& group,
                     std::uint16_t port) {
    if (!e.is_object() || e.empty()) return;
    // The expression's one key names its kind. (A binding to `*e.items().begin()` would refer
    // to a temporary that is gone by the next line.)
    const auto first = e.begin();
    const std::string& key = first.key();
    const json& body = first.value();
    std::string piece;
    if (key == "match" && body.is_object()) {
        const auto left = body.value("left", json());
        const auto right = body.value("right", json());
        const auto op = body.value("op", std::string("=="));
        piece =
            left_text(left) + (op == "==" || op == "in" ? " " : " " + op + " ") + value_text(right);
        if (left.is_object() && left.contains("payload") && op != "!=") {
            const auto field = left["payload"].value("field", std::string{});
            const auto protocol = left["payload"].value("protocol", std::string{});
            const bool udp = protocol == "udp" || protocol == "th";
            if (udp && field == "dport" && covers(right, group, port, true)) {
                rule.touches_group_or_port = true;
            }
            if (field == "daddr" && covers(right, group, port, false)) {
                rule.touches_group_or_port = true;
            }
        }
    } else if (key == "counter" && body.is_object()) {
        piece = "counter";
        if (body.contains("packets") && body["packets"].is_number_unsigned()) {
            rule.packets_before = body["packets"].get<std::uint64_t>();
        } else if (body.contains("packets") && body["packets"].is_number_integer()) {
            rule.packets_before = static_cast<std::uint64_t>(body["packets"].get<long long>());
        }
    } else if (key == "drop" || key == "reject" || key == "accept") {
        piece = key;
        rule.verdict = key;
    } else if ((key == "jump" || key == "goto") && body.is_object()) {
        piece = key + " " + body.value("target", std::string{});
    } else {
        piece = key;
    }
    text += (text.empty() ? "" : " ") + piece;
}

using RuleKey = std::tuple<std::string, std::string, std::string, long long>;

RuleKey key_of(const FirewallRule& r) {
    return {r.family, r.table, r.chain, r.handle};
}

}  // namespace

std::vector<FirewallRule> parse_nft_ruleset(const std::string& json_text, const std::string& group,
                                            std::uint16_t port) {
    std::vector<FirewallRule> rules;
    const auto document = json::parse(json_text, nullptr, false);
    if (document.is_discarded() || !document.is_object() || !document.contains("nftables") ||
        !document["nftables"].is_array()) {
        return rules;
    }
    std::map<std::tuple<std::string, std::string, std::string>, std::string> hooks;
    for (const auto& item : document["nftables"]) {
        if (!item.is_object() || !item.contains("chain") || !item["chain"].is_object()) continue;
        const auto& c = item["chain"];
        hooks[{c.value("family", std::string{}), c.value("table", std::string{}),
               c.value("name", std::string{})}] = c.value("hook", std::string{});
    }
    for (const auto& item : document["nftables"]) {
        if (!item.is_object() || !item.contains("rule") || !item["rule"].is_object()) continue;
        const auto& r = item["rule"];
        FirewallRule rule;
        rule.family = r.value("family", std::string{});
        rule.table = r.value("table", std::string{});
        rule.chain = r.value("chain", std::string{});
        rule.handle = r.value("handle", 0LL);
        const auto hook = hooks.find({rule.family, rule.table, rule.chain});
        if (hook != hooks.end()) rule.hook = hook->second;
        if (r.contains("expr") && r["expr"].is_array()) {
            for (const auto& e : r["expr"]) read_expression(e, rule, rule.text, group, port);
        }
        rules.push_back(std::move(rule));
    }
    return rules;
}

std::vector<FirewallRule> relevant_rules(std::vector<FirewallRule> before,
                                         const std::vector<FirewallRule>& after) {
    std::map<RuleKey, const FirewallRule*> later;
    for (const auto& r : after) later[key_of(r)] = &r;
    std::vector<FirewallRule> out;
    for (auto& rule : before) {
        const auto it = later.find(key_of(rule));
        if (it != later.end()) rule.packets_after = it->second->packets_before;
        const bool dropped =
            rule.counter_rose() && (rule.verdict == "drop" || rule.verdict == "reject");
        if (rule.touches_group_or_port || dropped) out.push_back(std::move(rule));
    }
    return out;
}

std::string describe_rule(const FirewallRule& rule) {
    return fmt::format("{} {} {}{}: {} (handle {})", rule.family, rule.table, rule.chain,
                       rule.hook.empty() ? "" : " [hook " + rule.hook + "]", rule.text,
                       rule.handle);
}

}  // namespace netdiag::probes::multicast
