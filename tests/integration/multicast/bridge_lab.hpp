// Two hosts joined by a Linux bridge: namespaces A and B, each with one veth end, the other
// ends ports of a bridge in a third namespace, so a test can turn multicast flooding off on
// the bridge ports while unicast still passes. `netdiag peer` runs in B. All of it disappears
// with the namespaces.
#pragma once

#include <csignal>
#include <string>

#include <unistd.h>

#include "child_process.hpp"
#include "multicast/netns.hpp"

namespace netdiag::testing {

class BridgeLab {
public:
    static constexpr const char* a_address = "10.219.9.1";
    static constexpr const char* b_address = "10.219.9.2";

    explicit BridgeLab(const std::string& suffix)
        : a_(suffix + "-a"), b_(suffix + "-b"), bridge_(suffix + "-br") {
        const auto tag = std::to_string(getpid() % 100000);
        a_port_ = "ndbr" + tag + "pa";
        b_port_ = "ndbr" + tag + "pb";
        ok_ = a_.ok() && b_.ok() && bridge_.ok() &&
              bridge_.run("ip link add br0 type bridge") == 0 &&
              bridge_.run("ip link add " + a_port_ + " type veth peer name eth0 netns " +
                          a_.name()) == 0 &&
              bridge_.run("ip link add " + b_port_ + " type veth peer name eth0 netns " +
                          b_.name()) == 0 &&
              bridge_.run("ip link set " + a_port_ + " master br0 up") == 0 &&
              bridge_.run("ip link set " + b_port_ + " master br0 up") == 0 &&
              bridge_.run("ip link set br0 up") == 0 && host(a_, a_address) && host(b_, b_address);
    }
    bool ok() const { return ok_; }
    const Netns& a() const { return a_; }
    const Netns& b() const { return b_; }

    // `bridge link set dev PORT mcast_flood on|off` on both ports; 0 on success.
    int set_multicast_flood(bool on) const {
        const std::string value = on ? " mcast_flood on" : " mcast_flood off";
        return bridge_.run("bridge link set dev " + a_port_ + value) |
               bridge_.run("bridge link set dev " + b_port_ + value);
    }

private:
    static bool host(const Netns& ns, const std::string& address) {
        return ns.run("ip link set lo up") == 0 &&
               ns.run("ip addr add " + address + "/24 dev eth0") == 0 &&
               ns.run("ip link set eth0 up") == 0 &&
               ns.run("ip route add 224.0.0.0/4 dev eth0") == 0;
    }

    Netns a_;
    Netns b_;
    Netns bridge_;
    std::string a_port_;
    std::string b_port_;
    bool ok_ = false;
};

// `netdiag peer` in the background inside a namespace, ready once it says it listens; stopped
// with SIGTERM on scope exit and waited for.
class PeerProcess {
public:
    PeerProcess(const Netns& ns, const std::string& listen)
        : process_(ChildProcess::shell("exec " + ns.exec_prefix() +
                                       "\"" NETDIAG_BINARY "\" peer --listen " + listen +
                                       " --max-seconds 60")) {
        ready_ = process_.wait_for_output("listening on", std::chrono::seconds(5));
    }
    ~PeerProcess() {
        process_.signal(SIGTERM);
        process_.wait_exit(std::chrono::seconds(5));
    }
    PeerProcess(const PeerProcess&) = delete;
    PeerProcess& operator=(const PeerProcess&) = delete;

    bool ready() const { return ready_; }
    std::string log() { return process_.output(); }

private:
    ChildProcess process_;
    bool ready_ = false;
};

}  // namespace netdiag::testing
