// After every probe, nothing of it is left in the process: no descriptor, no thread, no child
// process. Each probe runs in this process through the real runner (the shared-accept workers
// are the real netdiag binary), and /proc is read before and after.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

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

// Threads and children end a moment after they are joined, detached or reaped: wait until the
// counts stop exceeding `limit` (or a second passes) before reading them.
Resources measure_settled(const Resources& limit) {
    auto now = measure();
    for (int i = 0; i < 50 && (now.threads > limit.threads || now.children > limit.children); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        now = measure();
    }
    return now;
}

}  // namespace

TEST_CASE("no probe leaves a descriptor, thread or child process behind", "[resources]") {
    if (!fs::exists("/proc/self/fd")) {
        WARN("SKIPPED: no /proc/self/fd on this system");
        return;
    }
    const auto host = netdiag::platform::read_host_snapshot();
    const auto options = netdiag::testing::short_in_process_run(std::string(NETDIAG_FIXTURES_DIR) +
                                                                "/wasm/bad_socket_constants.wasm");

    // Warm up once: first use of some facilities (the resolver, spdlog) keeps a descriptor
    // or thread for the life of the process by design; that is not a per-probe leak.
    for (const auto& info : netdiag::probe_registry()) {
        (void)netdiag::run_probes({&info}, host, options);
    }
    for (const auto& info : netdiag::probe_registry()) {
        INFO("probe " << info.id);
        // The previous probe's threads may still be finishing: start from a settled process
        // (this test runs alone, so that is one thread and no children).
        const auto before = measure_settled({0, 1, 0});
        const auto outcome = netdiag::run_probes({&info}, host, options);
        REQUIRE(outcome.results.size() == 1);
        CHECK_FALSE(outcome.abandoned_threads);
        const auto after = measure_settled(before);
        CHECK(after.descriptors == before.descriptors);
        CHECK(after.threads == before.threads);
        CHECK(after.children == before.children);
    }
}
