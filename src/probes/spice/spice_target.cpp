#include "probes/spice/spice_target.hpp"

#include <charconv>

namespace netdiag::spice_probe {

std::optional<SpiceTarget> parse_spice_target(std::string_view text, std::string& error) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
        error = "'" + std::string(text) + "': expected HOST:PORT, e.g. 127.0.0.1:5930";
        return std::nullopt;
    }
    auto host = text.substr(0, colon);
    const auto port_text = text.substr(colon + 1);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') {
            error = "'" + std::string(text) + "': an IPv6 host goes in brackets: [::1]:5930";
            return std::nullopt;
        }
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        error = "'" + std::string(text) + "': an IPv6 host goes in brackets: [::1]:5930";
        return std::nullopt;
    }
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
        error = "'" + std::string(text) + "': port must be a number from 1 to 65535";
        return std::nullopt;
    }
    return SpiceTarget{std::string(text), std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace netdiag::spice_probe
