// Network namespaces for multicast tests: created with iproute2, always deleted by the
// destructor (also when a test fails), and entered by a thread with setns() so a test can
// run a real peer inside one while netdiag runs in another.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace netdiag::testing {

inline int shell(const std::string& command) {
    const int status = std::system((command + " >/dev/null 2>&1").c_str());
    return status == 0 ? 0 : 1;
}

// Why namespace tests cannot run here, or "" when they can.
inline std::string netns_skip_reason() {
    if (geteuid() != 0) return "needs root for ip netns";
    if (shell("command -v ip") != 0) return "needs iproute2 (ip)";
    const std::string probe = "nd-mcast-" + std::to_string(getpid()) + "-check";
    if (shell("ip netns add " + probe) != 0) return "ip netns add failed (no CAP_SYS_ADMIN?)";
    shell("ip netns del " + probe);
    return {};
}

class Netns {
public:
    explicit Netns(const std::string& suffix)
        : name_("nd-mcast-" + std::to_string(getpid()) + "-" + suffix) {
        shell("ip netns del " + name_);
        ok_ = shell("ip netns add " + name_) == 0;
    }
    ~Netns() { shell("ip netns del " + name_); }
    Netns(const Netns&) = delete;
    Netns& operator=(const Netns&) = delete;

    bool ok() const { return ok_; }
    const std::string& name() const { return name_; }
    // Runs a command inside the namespace; 0 on success.
    int run(const std::string& command) const { return shell(exec_prefix() + command); }
    // Prefix that runs a program inside the namespace.
    std::string exec_prefix() const { return "ip netns exec " + name_ + " "; }

    // Moves the calling thread into the namespace (sockets it opens then live there).
    bool enter_from_this_thread() const {
        const int fd = ::open(("/var/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return false;
        const bool entered = ::setns(fd, CLONE_NEWNET) == 0;
        ::close(fd);
        return entered;
    }

private:
    std::string name_;
    bool ok_ = false;
};

}  // namespace netdiag::testing
