// Windows has no per-socket membership limit setting, no reverse-path filter counter and no
// ruleset the probe reads: each answers "unknown", and the firewall note says where to look.
#include "netdiag/multicast.hpp"

namespace netdiag::platform::multicast {

std::optional<int> membership_limit() {
    return std::nullopt;
}

std::optional<int> reverse_path_filter(const std::string&) {
    return std::nullopt;
}

std::optional<std::uint64_t> reverse_path_drops() {
    return std::nullopt;
}

FirewallRuleset read_firewall_ruleset(std::chrono::steady_clock::time_point) {
    FirewallRuleset out;
    out.note =
        "the probe does not read Windows Firewall rules: run `Get-NetFirewallRule -Enabled True "
        "-Direction Inbound | Get-NetFirewallPortFilter` in PowerShell, or allow the program "
        "on private and public networks";
    return out;
}

}  // namespace netdiag::platform::multicast
