#include "core/host_port.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/ip_literal.hpp"

namespace netdiag {

std::optional<HostPort> parse_host_port(std::string_view text, const HostPortUse& use,
                                        std::string& error) {
    if (text.empty()) {
        error = "empty address";
        return std::nullopt;
    }
    // A bare IPv6 literal or a name without a colon is a host alone, where the use allows it.
    if (use.default_port && (is_ipv6_literal(text) || text.find(':') == std::string_view::npos)) {
        return HostPort{std::string(text), *use.default_port};
    }
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
        error = fmt::format("'{}': expected HOST:PORT{}, e.g. {}:{}{}", text, use.what,
                            use.example_host, use.example_port, use.note);
        return std::nullopt;
    }
    auto host = text.substr(0, colon);
    const auto port_text = text.substr(colon + 1);
    const bool bracketed = host.front() == '[';
    if ((bracketed && (host.size() < 3 || host.back() != ']')) ||
        (!bracketed && host.find(':') != std::string_view::npos)) {
        error =
            fmt::format("'{}': an IPv6 host goes in brackets: [::1]:{}", text, use.example_port);
        return std::nullopt;
    }
    if (bracketed) host = host.substr(1, host.size() - 2);
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
        error = fmt::format("'{}': port must be a number from 1 to 65535", text);
        return std::nullopt;
    }
    return HostPort{std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace netdiag
