// Parsing the --spice HOST:PORT argument ("127.0.0.1:5930", "vmhost:5900", "[::1]:5930").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netdiag::probes::spice {

struct SpiceTarget {
    std::string text;  // as written
    std::string host;  // without IPv6 brackets
    std::uint16_t port = 0;
};

// nullopt with `error` set when the text is not HOST:PORT with a port from 1 to 65535.
std::optional<SpiceTarget> parse_spice_target(std::string_view text, std::string& error);

}  // namespace netdiag::probes::spice
