// Helpers for the shared-accept integration tests: child processes of this test and
// accept-worker processes anywhere on the host, read from /proc.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
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

// Processes anywhere whose command line contains every one of `words`.
inline std::vector<int> processes_with(const std::vector<std::string>& words) {
    std::vector<int> pids;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(entry.path() / "cmdline", std::ios::binary);
        std::string cmdline((std::istreambuf_iterator<char>(in)), {});
        bool all = !cmdline.empty();
        for (const auto& w : words) all = all && cmdline.find(w) != std::string::npos;
        if (all) pids.push_back(std::stoi(name));
    }
    return pids;
}

}  // namespace netdiag::testing
