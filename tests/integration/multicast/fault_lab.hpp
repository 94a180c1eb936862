// A namespace with a veth pair whose two ends (lab0, lab1) are both inside it, up, addressed
// and with the group routed through lab0: two interfaces Zenoh would join, on one host. The
// faults (a sysctl, an nftables table, a route) are added by each test; all of it disappears
// with the namespace.
#pragma once

#include <string>

#include "multicast/netns.hpp"

namespace netdiag::testing {

class FaultLab {
public:
    explicit FaultLab(const std::string& suffix) : ns_(suffix) {
        ok_ = ns_.ok() && ns_.run("ip link set lo up") == 0 &&
              ns_.run("ip link add lab0 type veth peer name lab1") == 0 &&
              ns_.run("ip addr add 10.219.1.1/24 dev lab0") == 0 &&
              ns_.run("ip addr add 10.219.2.1/24 dev lab1") == 0 &&
              ns_.run("ip link set lab0 up") == 0 && ns_.run("ip link set lab1 up") == 0 &&
              ns_.run("ip route add 224.0.0.0/4 dev lab0") == 0;
    }
    bool ok() const { return ok_; }
    const Netns& ns() const { return ns_; }

    // Loads an nftables ruleset (nft -f syntax, one statement a line) into the namespace; 0 on
    // success.
    int load_nft(const std::string& ruleset) const {
        return shell("printf '%s\\n' '" + ruleset + "' | " + ns_.exec_prefix() + "nft -f -");
    }

private:
    Netns ns_;
    bool ok_ = false;
};

// Why nftables tests cannot run here, or "".
inline std::string nft_skip_reason() {
    if (shell("{ command -v nft || test -x /usr/sbin/nft; }") != 0) {
        return "needs nft (Debian package nftables)";
    }
    return {};
}

}  // namespace netdiag::testing
