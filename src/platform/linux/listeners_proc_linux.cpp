// Who holds a socket on Linux: every /proc/PID/fd link "socket:[INODE]" names a process with
// the socket open (all of them: a socket inherited by forked workers is listed under each).
// Per holder: /proc/PID/stat (name, state, parent), its uid, and /proc/PID/wchan (the kernel
// function it sleeps in). Other users' fd folders and wait channels are readable only by root;
// the count of processes that could not be read is reported, never guessed around.
#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "netdiag/listeners.hpp"

namespace netdiag::platform::listeners {
namespace {

namespace fs = std::filesystem;

std::string user_name(std::uint32_t uid) {
    passwd entry{};
    passwd* found = nullptr;
    char buffer[1024];
    if (::getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found != nullptr) {
        return found->pw_name;
    }
    return std::to_string(uid);
}

std::optional<std::uint32_t> real_uid(const fs::path& proc) {
    std::ifstream in(proc / "status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("Uid:", 0) == 0) {
            std::istringstream fields(line.substr(4));
            std::uint32_t uid = 0;
            if (fields >> uid) return uid;
        }
    }
    return std::nullopt;
}

ProcessFacts read_process(long pid) {
    const auto proc = fs::path("/proc") / std::to_string(pid);
    ProcessFacts p;
    p.pid = pid;
    std::ifstream stat(proc / "stat");
    std::string line;
    std::getline(stat, line);
    const auto open = line.find('(');
    const auto close = line.rfind(')');
    if (open != std::string::npos && close != std::string::npos && close > open) {
        p.name = line.substr(open + 1, close - open - 1);
        std::istringstream rest(line.substr(close + 1));
        rest >> p.state >> p.parent;
    }
    if (const auto uid = real_uid(proc)) p.user = user_name(*uid);
    // "0" means the kernel would not say (another user's process) or the task is running.
    std::ifstream wchan(proc / "wchan");
    std::string channel;
    if (std::getline(wchan, channel) && channel != "0") p.wchan = channel;
    return p;
}

}  // namespace

Visibility visibility() {
    Visibility v;
    v.queues = true;
    v.counters = true;
    v.socket_identity = true;
    v.wait_channel = true;
    return v;
}

Holders find_holders(Sample& sample) {
    Holders holders;
    holders.method = "/proc/PID/fd, /proc/PID/stat, /proc/PID/wchan";
    holders.privileged = ::geteuid() == 0;
    std::set<std::uint64_t> inodes;
    for (const auto& s : sample.sockets) inodes.insert(s.inode);
    const auto self = static_cast<long>(::getpid());
    std::set<std::uint64_t> own;  // sockets of netdiag itself and its workers (shared-accept)
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const auto name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        const long pid = std::stol(name);
        std::error_code fd_ec;
        fs::directory_iterator fds(entry.path() / "fd", fd_ec);
        if (fd_ec) {
            // A process that ended between the listing and now is not a blind spot.
            if (fs::exists(entry.path(), fd_ec)) ++holders.unreadable_processes;
            continue;
        }
        std::set<std::uint64_t> held;
        bool links_hidden = false;  // listed but not readable: a protected (non-dumpable) process
        for (const auto& fd : fds) {
            std::error_code link_ec;
            const auto target = fs::read_symlink(fd.path(), link_ec).string();
            if (link_ec == std::errc::permission_denied) links_hidden = true;
            if (link_ec || target.rfind("socket:[", 0) != 0) continue;
            const auto inode = std::strtoull(target.c_str() + 8, nullptr, 10);
            if (inodes.count(inode) > 0) held.insert(inode);
        }
        if (links_hidden) ++holders.unreadable_processes;
        if (held.empty()) continue;
        auto process = read_process(pid);
        if (pid == self || process.parent == self) {
            own.insert(held.begin(), held.end());
            continue;
        }
        for (const auto inode : held) holders.by_inode[inode].push_back(pid);
        holders.processes[pid] = std::move(process);
    }
    if (ec) {
        holders.problems.push_back(fmt::format("/proc: {}", ec.message()));
    }
    std::erase_if(sample.sockets, [&](const SocketFacts& s) { return own.count(s.inode) > 0; });
    for (auto& s : sample.sockets) {
        if (const auto it = holders.by_inode.find(s.inode); it != holders.by_inode.end()) {
            s.holders = it->second;
        }
    }
    return holders;
}

}  // namespace netdiag::platform::listeners
