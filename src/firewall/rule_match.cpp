#include "firewall/rule_match.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <string_view>

namespace netdiag::fw {
namespace {

namespace pf = platform::firewall;

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return text;
}

std::vector<std::string_view> split_list(std::string_view text) {
    std::vector<std::string_view> items;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto item = trim(text.substr(0, comma));
        if (!item.empty()) items.push_back(item);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return items;
}

bool is_any(std::string_view text) {
    const auto t = trim(text);
    return t.empty() || t == "*" || t == "Any" || t == "any";
}

template <typename T>
std::optional<T> parse_number(std::string_view text) {
    T value{};
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end) return std::nullopt;
    return value;
}

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
    std::uint32_t value = 0;
    for (int part = 0; part < 4; ++part) {
        const auto dot = text.find('.');
        if ((part < 3) == (dot == std::string_view::npos)) return std::nullopt;
        const auto octet = parse_number<unsigned>(text.substr(0, dot));
        if (!octet || *octet > 255) return std::nullopt;
        value = (value << 8) | *octet;
        text = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    }
    return value;
}

// One address item: a/bits, a/dotted-mask, a-b or a single address. Empty when not IPv4.
std::optional<bool> ipv4_item_covers(std::string_view item, std::uint32_t address) {
    if (const auto slash = item.find('/'); slash != std::string_view::npos) {
        const auto base = parse_ipv4(item.substr(0, slash));
        const auto suffix = item.substr(slash + 1);
        std::optional<std::uint32_t> mask = parse_ipv4(suffix);
        if (!mask) {
            const auto bits = parse_number<unsigned>(suffix);
            if (!bits || *bits > 32) return std::nullopt;
            mask = *bits == 0 ? 0u : ~std::uint32_t{0} << (32 - *bits);
        }
        if (!base) return std::nullopt;
        return (address & *mask) == (*base & *mask);
    }
    if (const auto dash = item.find('-'); dash != std::string_view::npos) {
        const auto low = parse_ipv4(item.substr(0, dash));
        const auto high = parse_ipv4(item.substr(dash + 1));
        if (!low || !high) return std::nullopt;
        return address >= *low && address <= *high;
    }
    const auto single = parse_ipv4(item);
    if (!single) return std::nullopt;
    return *single == address;
}

std::string normal_path(std::string_view path) {
    std::string out(trim(path));
    for (auto& c : out) {
        c = c == '/' ? '\\' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

}  // namespace

bool ports_overlap(const std::string& local_ports, std::uint16_t first, std::uint16_t last) {
    if (is_any(local_ports)) return true;
    for (const auto item : split_list(local_ports)) {
        const auto dash = item.find('-');
        const auto low = parse_number<unsigned>(trim(item.substr(0, dash)));
        const auto high = dash == std::string_view::npos
                              ? low
                              : parse_number<unsigned>(trim(item.substr(dash + 1)));
        if (!low || !high) continue;  // a keyword: RPC, IPHTTPS, Teredo, …
        if (*low <= last && *high >= first) return true;
    }
    return false;
}

bool addresses_cover(const std::string& local_addresses, const std::string& address) {
    if (address.empty() || is_any(local_addresses)) return true;
    const auto wanted = parse_ipv4(address);
    const bool multicast = wanted && (*wanted >> 28) == 0xE;
    for (const auto item : split_list(local_addresses)) {
        if (item == "*") return true;
        if (wanted) {
            if (const auto covers = ipv4_item_covers(item, *wanted)) {
                if (*covers) return true;
                continue;
            }
        } else if (normal_path(item) == normal_path(address)) {
            return true;  // an IPv6 address written the same way
        }
        const bool keyword = std::all_of(item.begin(), item.end(), [](char c) {
            return std::isalpha(static_cast<unsigned char>(c)) != 0;
        });
        if (keyword && !multicast) return true;
    }
    return false;
}

bool program_applies(const std::string& rule_program, const std::vector<std::string>& programs) {
    if (is_any(rule_program)) return true;
    const auto wanted = normal_path(rule_program);
    return std::any_of(programs.begin(), programs.end(),
                       [&](const std::string& p) { return normal_path(p) == wanted; });
}

bool rule_matches(const pf::Rule& rule, const TrafficNeed& need,
                  const std::vector<std::string>& programs) {
    if (!rule.inbound) return false;
    if (rule.protocol != pf::kAnyProtocol && rule.protocol != need.protocol) return false;
    if (!ports_overlap(rule.local_ports, need.port_first, need.port_last)) return false;
    if (!addresses_cover(rule.local_addresses, need.local_address)) return false;
    return program_applies(rule.program, programs);
}

std::vector<pf::Rule> relevant_rules(const std::vector<pf::Rule>& rules, const NeedSet& needs) {
    std::vector<pf::Rule> kept;
    for (const auto& rule : rules) {
        const bool names_program =
            !is_any(rule.program) && program_applies(rule.program, needs.programs);
        const bool matches_need = std::any_of(
            needs.traffic.begin(), needs.traffic.end(),
            [&](const TrafficNeed& n) { return rule_matches(rule, n, needs.programs); });
        if (names_program || matches_need) kept.push_back(rule);
    }
    return kept;
}

}  // namespace netdiag::fw
