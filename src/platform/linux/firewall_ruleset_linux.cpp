// The nftables ruleset as JSON (`nft -j list ruleset`), run with a deadline. Reading the
// ruleset needs root (CAP_NET_ADMIN); without it the probe is told how a person looks instead.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "netdiag/multicast.hpp"
#include "platform/posix/spawn_child.hpp"

namespace netdiag::platform::multicast {
namespace {

constexpr std::size_t kMaxRuleset = std::size_t{16} << 20;  // far above any real ruleset

std::string find_nft() {
    // root's PATH has the sbin folders; a probe started from a service may not.
    for (const char* candidate : {"/usr/sbin/nft", "/sbin/nft", "/usr/local/sbin/nft"}) {
        if (::access(candidate, X_OK) == 0) return candidate;
    }
    return {};
}

}  // namespace

FirewallRuleset read_firewall_ruleset(std::chrono::steady_clock::time_point deadline) {
    FirewallRuleset out;
    out.format = "nft-json";
    out.tool = "nft -j list ruleset";
    if (::geteuid() != 0) {
        out.note =
            "reading the ruleset needs root: run `sudo nft list ruleset` (and `sudo "
            "iptables -S`) and look for rules on the port or the group";
        return out;
    }
    const auto nft = find_nft();
    if (nft.empty()) {
        out.note =
            "nft is not installed (Debian package nftables); `sudo iptables -S` lists "
            "iptables rules";
        return out;
    }
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        out.note = "pipe failed";
        return out;
    }
    const auto child =
        posix::spawn_child(nft, {"-j", "list", "ruleset"}, {.stdout_fd = pipe_fds[1]});
    if (child.pid < 0) {
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        out.note = std::string("starting nft failed: ") + std::strerror(child.error);
        return out;
    }
    const pid_t pid = child.pid;
    ::close(pipe_fds[1]);
    bool timed_out = false;
    std::array<char, 65536> buffer{};
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{pipe_fds[0], POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;
        const auto got = ::read(pipe_fds[0], buffer.data(), buffer.size());
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        if (out.text.size() + static_cast<std::size_t>(got) > kMaxRuleset) {
            timed_out = true;  // treated like a hang: stop the tool, keep nothing
            break;
        }
        out.text.append(buffer.data(), static_cast<std::size_t>(got));
    }
    ::close(pipe_fds[0]);
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) {
        out.text.clear();
        out.note = "nft did not answer before the probe's deadline";
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        out.text.clear();
        out.note = "nft -j list ruleset failed; run `sudo nft list ruleset` by hand";
    } else {
        out.read = true;
    }
    return out;
}

}  // namespace netdiag::platform::multicast
