// POSIX systems have no Windows Firewall: nothing is read (the nftables ruleset the multicast
// probe reads is its own, see linux/firewall_ruleset_linux.cpp).
#include "netdiag/firewall.hpp"

namespace netdiag::platform::firewall {

HostFirewall read_host_firewall() {
    return {};
}

}  // namespace netdiag::platform::firewall
