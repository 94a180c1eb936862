// After every probe, nothing of it is left in the process: no descriptor, no thread, no child
// process. Each probe runs in this process through the real runner (the shared-accept workers
// are the real netdiag binary), and /proc is read before and after.
#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "core/runner.hpp"
#include "in_process_run.hpp"
#include "netdiag/platform.hpp"
#include "netdiag/probe.hpp"

namespace fs = std::filesystem;

namespace {

struct Resources {
    std::size_t descriptors = 0;
    std::size_t threads = 0;
    std::size_t children = 0;
};

std::size_t count_entries(const fs::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++n;
    return n;
}

// Children in any state, zombies included: a child not reaped is a leak too.
std::size_t count_children() {
    const auto self = std::to_string(::getpid());
    std::size_t n = 0;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream stat(entry.path() / "stat");
        std::string line;
        if (!std::getline(stat, line)) continue;
        // pid (comm) state ppid …; comm may contain spaces, so read after the last ')'.
        const auto close = line.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream rest(line.substr(close + 1));
        std::string state, ppid;
        rest >> state >> ppid;
        if (ppid == self) ++n;
    }
    return n;
}

Resources measure() {
    return {count_entries("/proc/self/fd"), count_entries("/proc/self/task"), count_children()};
}

// The ids of this process's threads.
std::set<std::string> thread_ids() {
    std::set<std::string> ids;
    for (const auto& entry : fs::directory_iterator("/proc/self/task")) {
        ids.insert(entry.path().filename().string());
    }
    return ids;
}

// A joined or detached thread leaves /proc a moment after it returns: wait for that event
// itself, through a thread pidfd (readable once the thread has exited), for every thread not in
// `keep`. Where the kernel has no thread pidfds (before 6.9) the counts are read at once.
void wait_for_threads_to_end(const std::set<std::string>& keep) {
    constexpr unsigned kPidfdThread = O_EXCL;  // PIDFD_THREAD
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    for (const auto& id : thread_ids()) {
        if (keep.count(id) != 0) continue;
        const int fd = static_cast<int>(::syscall(SYS_pidfd_open, std::stoi(id), kPidfdThread));
        if (fd < 0) continue;  // already gone (ESRCH), or no thread pidfds here
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd ended{fd, POLLIN, 0};
        ::poll(&ended, 1, static_cast<int>(std::max<long>(0, left.count())));
        ::close(fd);
    }
}

}  // namespace

TEST_CASE("no probe leaves a descriptor, thread or child process behind", "[resources]") {
    if (!fs::exists("/proc/self/fd")) {
        NETDIAG_SKIP("procfs", "no /proc/self/fd on this system");
    }
    const auto host = netdiag::platform::read_host_snapshot();
    // One literal: GCC 12 at -O2 reports a false -Warray-bounds inside std::string's append.
    const auto options = netdiag::testing::short_in_process_run(NETDIAG_FIXTURES_DIR
                                                                "/wasm/bad_socket_constants.wasm");

    // Warm up once: first use of some facilities (the resolver, spdlog) keeps a descriptor
    // or thread for the life of the process by design; that is not a per-probe leak.
    for (const auto& info : netdiag::probe_registry()) {
        (void)netdiag::run_probes({&info}, host, options);
    }
    for (const auto& info : netdiag::probe_registry()) {
        INFO("probe " << info.id);
        // The previous probe's threads may still be finishing: start from a settled process
        // (one thread and no children: the warm-up's threads have all been joined).
        const std::set<std::string> main_thread{std::to_string(::gettid())};
        wait_for_threads_to_end(main_thread);
        const auto before = measure();
        const auto outcome = netdiag::run_probes({&info}, host, options);
        REQUIRE(outcome.results.size() == 1);
        CHECK_FALSE(outcome.abandoned_threads);
        wait_for_threads_to_end(main_thread);
        const auto after = measure();
        CHECK(after.descriptors == before.descriptors);
        CHECK(after.threads == before.threads);
        CHECK(after.children == before.children);
    }
}
