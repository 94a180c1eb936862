// Helpers for the shared-accept integration tests: child processes of this test, and
// accept-worker processes it left behind, read from /proc.
#pragma once

#include "child_process.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace netdiag::testing {

// Process ids whose parent is this process (zombies included: an unreaped child counts).
inline std::vector<int> child_pids() {
    std::vector<int> pids;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream stat(entry.path() / "stat");
        std::string line;
        if (!std::getline(stat, line)) continue;
        const auto close = line.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream rest(line.substr(close + 2));
        char state = 0;
        int ppid = 0;
        rest >> state >> ppid;
        if (ppid == ::getpid()) pids.push_back(std::stoi(name));
    }
    return pids;
}

// Processes this test started, directly or not, whose command line contains every one of
// `words`. The test process becomes a child subreaper, so a worker orphaned by a netdiag run
// that has ended is re-parented to it and counted here; processes of other tests running at
// the same time (ctest -j) are not.
inline std::vector<int> processes_with(const std::vector<std::string>& words) {
    static const bool subreaper = ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
    (void)subreaper;
    std::vector<int> pids;
    for (const int pid : child_pids()) {
        const auto path = std::filesystem::path("/proc") / std::to_string(pid) / "cmdline";
        std::ifstream in(path, std::ios::binary);
        std::string cmdline((std::istreambuf_iterator<char>(in)), {});
        bool all = !cmdline.empty();
        for (const auto& w : words) all = all && cmdline.find(w) != std::string::npos;
        if (all) pids.push_back(pid);
    }
    return pids;
}

// Waits until `pid` has ended (a zombie counts) or `limit` passes: its pidfd becomes readable.
inline void wait_until_dead(int pid, std::chrono::milliseconds limit) {
    wait_for_process_end(pid, limit);
}

}  // namespace netdiag::testing
