// A port that a check bound and closed is free again at once, even while other threads start
// child processes: the child-start gate keeps a forked child from holding a copy of the
// check's socket (the false "held by an unnamed process" seen under load).
#include <catch2/catch.hpp>

#ifndef _WIN32

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <set>
#include <string>

#include <atomic>
#include <chrono>
#include <thread>

#include "multicast/probe_run.hpp"
#include "netdiag/multicast.hpp"
#include "platform/child_start_gate.hpp"
#include "platform/posix/spawn_child.hpp"

namespace mc = netdiag::platform::multicast;

namespace {

// Starts and reaps /bin/true as fast as it can until told to stop, counting them in `started`.
void start_children_until(const std::atomic<bool>& stop, std::atomic<int>& started) {
    while (!stop.load()) {
        const auto child = netdiag::platform::posix::spawn_child("/bin/true", {}, {});
        if (child.pid < 0) continue;
        int status = 0;
        while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
        }
        ++started;
    }
}

}  // namespace

TEST_CASE("a port bound and closed under the gate is free while children start",
          "[loopback][child_start_gate]") {
    const std::uint16_t port = netdiag::testing::free_udp_port();
    REQUIRE(port != 0);
    std::atomic<bool> stop{false};
    std::atomic<int> children{0};
    std::thread starter([&] { start_children_until(stop, children); });

    int conflicts = 0;
    // At least kRounds rounds, and on until children have started meanwhile: on a busy machine
    // the starter thread may not be scheduled before the first few hundred rounds are over.
    constexpr int kRounds = 400;
    constexpr int kChildren = 20;
    const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (int round = 0; round < kRounds ||
                        (children.load() < kChildren && std::chrono::steady_clock::now() < limit);
         ++round) {
        const auto no_child_starts = netdiag::platform::hold_against_child_starts();
        {
            mc::MulticastSocket exclusive;
            REQUIRE_FALSE(exclusive.open(mc::Family::ipv4));
            REQUIRE_FALSE(exclusive.bind("127.0.0.1", port));  // no reuse: nobody may share
        }
        mc::MulticastSocket sharing;
        REQUIRE_FALSE(sharing.open(mc::Family::ipv4));
        if (sharing.bind("127.0.0.1", port, {.reuse_address = true})) ++conflicts;
    }
    stop = true;
    starter.join();
    INFO("children started meanwhile: " << children.load());
    CHECK(children.load() >= kChildren);
    CHECK(conflicts == 0);
}

TEST_CASE("a started child gets exactly the descriptors it was given",
          "[loopback][child_start_gate]") {
    int out[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    const auto child = netdiag::platform::posix::spawn_child(
        "/bin/sh", {"-c", "echo given; ls /proc/self/fd"}, {.stdout_fd = out[1]});
    ::close(out[1]);
    REQUIRE(child.pid > 0);
    std::string text;
    char buffer[512];
    for (ssize_t got; (got = ::read(out[0], buffer, sizeof buffer)) > 0;) text.append(buffer, got);
    ::close(out[0]);
    int status = 0;
    REQUIRE(::waitpid(child.pid, &status, 0) == child.pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    // The child has 0, 1, 2, whatever this test process itself inherited without
    // close-on-exec (a test runner's descriptors), and the directory ls opens to list them, on
    // the lowest free number. Nothing netdiag opened.
    std::set<int> numbers{0, 1, 2};
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        const int fd = std::stoi(entry.path().filename().string());
        const int flags = ::fcntl(fd, F_GETFD);
        if (fd > 2 && flags >= 0 && (flags & FD_CLOEXEC) == 0) numbers.insert(fd);
    }
    int listing = 3;
    while (numbers.count(listing) != 0) ++listing;
    numbers.insert(listing);
    std::set<std::string> names;  // ls sorts by name
    for (const int n : numbers) names.insert(std::to_string(n));
    std::string expected = "given\n";
    for (const auto& name : names) expected += name + "\n";
    CHECK(text == expected);
}

TEST_CASE("a program that cannot start is an error, not a child", "[loopback][child_start_gate]") {
    const auto child = netdiag::platform::posix::spawn_child("/nonexistent/netdiag-tool", {}, {});
    CHECK(child.pid == -1);
    CHECK(child.error == ENOENT);
}

#endif
