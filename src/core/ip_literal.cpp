#include "core/ip_literal.hpp"

#include <algorithm>
#include <string>

namespace netdiag {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

bool is_ipv4_literal(std::string_view text) {
    int parts = 0;
    std::size_t i = 0;
    while (true) {
        const std::size_t start = i;
        unsigned value = 0;
        while (i < text.size() && is_digit(text[i]) && i - start < 3) {
            value = value * 10 + static_cast<unsigned>(text[i] - '0');
            ++i;
        }
        const std::size_t length = i - start;
        if (length == 0 || value > 255 || (length > 1 && text[start] == '0')) return false;
        ++parts;
        if (i == text.size()) return parts == 4;
        if (text[i] != '.' || parts == 4) return false;
        ++i;
    }
}

bool is_ipv6_literal(std::string_view text) {
    if (const auto percent = text.find('%'); percent != std::string_view::npos) {
        if (percent + 1 == text.size()) return false;  // "%" without a scope
        text = text.substr(0, percent);
    }
    const auto gap = text.find("::");
    if (gap != std::string_view::npos && text.find("::", gap + 1) != std::string_view::npos) {
        return false;  // at most one "::"
    }
    // Counts the groups of one side of the "::" (or of the whole text); -1 when malformed. The
    // last group of the text may be an IPv4 tail ("::ffff:192.0.2.7"), worth two groups.
    const auto count_groups = [](std::string_view side, bool may_end_in_ipv4) -> int {
        if (side.empty()) return 0;
        int groups = 0;
        while (true) {
            const auto colon = side.find(':');
            const auto group = side.substr(0, colon);
            if (colon == std::string_view::npos && may_end_in_ipv4 && is_ipv4_literal(group)) {
                return groups + 2;
            }
            if (group.empty() || group.size() > 4 ||
                !std::all_of(group.begin(), group.end(), is_hex)) {
                return -1;
            }
            ++groups;
            if (colon == std::string_view::npos) return groups;
            side.remove_prefix(colon + 1);
        }
    };
    if (gap == std::string_view::npos) return count_groups(text, true) == 8;
    const int left = count_groups(text.substr(0, gap), false);
    const int right = count_groups(text.substr(gap + 2), true);
    return left >= 0 && right >= 0 && left + right < 8;
}

std::optional<asio::ip::address> parse_ip_literal(std::string_view text) {
    if (!is_ipv4_literal(text) && !is_ipv6_literal(text)) return std::nullopt;
    std::error_code ec;
    auto address = asio::ip::make_address(std::string(text), ec);
    if (ec) return std::nullopt;
    return address;
}

}  // namespace netdiag
