#include "probes/spice/spice_target.hpp"

#include "core/host_port.hpp"

namespace netdiag::probes::spice {

std::optional<SpiceTarget> parse_spice_target(std::string_view text, std::string& error) {
    const auto parsed = parse_host_port(text, kSpiceServer, error);
    if (!parsed) return std::nullopt;
    return SpiceTarget{std::string(text), parsed->host, parsed->port};
}

}  // namespace netdiag::probes::spice
