// Who holds a UDP port on Linux: /proc/net/udp and udp6 give each socket's local address and
// inode; /proc/PID/fd links name the process that has the inode open ("socket:[INODE]").
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "netdiag/multicast.hpp"

namespace netdiag::platform::multicast {
namespace {

namespace fs = std::filesystem;

struct SocketEntry {
    std::string local_address;
    std::uint16_t port = 0;
    std::uint64_t inode = 0;
};

// The kernel prints each 32-bit word of the address as the u32 it holds in memory, so reading
// the hex back into a u32 restores the original bytes on either endianness.
std::string address_from_hex(const std::string& hex) {
    char text[INET6_ADDRSTRLEN] = {};
    if (hex.size() == 8) {
        in_addr a{};
        a.s_addr = static_cast<std::uint32_t>(std::stoul(hex, nullptr, 16));
        inet_ntop(AF_INET, &a, text, sizeof text);
    } else if (hex.size() == 32) {
        in6_addr a{};
        for (int word = 0; word < 4; ++word) {
            const auto v =
                static_cast<std::uint32_t>(std::stoul(hex.substr(word * 8, 8), nullptr, 16));
            std::memcpy(&a.s6_addr[word * 4], &v, 4);
        }
        inet_ntop(AF_INET6, &a, text, sizeof text);
    }
    return text;
}

std::vector<SocketEntry> sockets_on_port(const fs::path& table, std::uint16_t port) {
    std::vector<SocketEntry> out;
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
        std::uint64_t inode = 0;
        if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
              timeout >> inode)) {
            continue;
        }
        const auto colon = local.find(':');
        if (colon == std::string::npos) continue;
        try {
            const auto local_port =
                static_cast<std::uint16_t>(std::stoul(local.substr(colon + 1), nullptr, 16));
            if (local_port != port) continue;
            out.push_back({address_from_hex(local.substr(0, colon)), local_port, inode});
        } catch (const std::exception&) {
            continue;  // a line we do not understand names no owner
        }
    }
    return out;
}

std::string process_name(const fs::path& proc_dir) {
    std::ifstream in(proc_dir / "comm");
    std::string name;
    std::getline(in, name);
    return name;
}

// When the process started, in clock ticks since boot (field 22 of /proc/PID/stat); the
// largest value when unreadable.
unsigned long long start_time(const fs::path& proc_dir) {
    std::ifstream in(proc_dir / "stat");
    std::string line;
    std::getline(in, line);
    const auto close = line.rfind(')');
    if (close == std::string::npos) return ~0ULL;
    std::istringstream fields(line.substr(close + 1));
    std::string field;
    // Fields after "(comm)" start at field 3 (state); starttime is field 22.
    for (int i = 3; i <= 22 && fields >> field; ++i) {
        if (i == 22) return std::strtoull(field.c_str(), nullptr, 10);
    }
    return ~0ULL;
}

// inode -> (pid, name) for the inodes asked about. Unreadable fd folders (other users'
// processes without root) are counted so the report can say why an owner has no name.
// A socket shared by several processes (children inherit descriptors) is credited to the one
// that started first, which is normally the one that opened it; netdiag itself, which may
// have inherited it too, is never named.
std::map<std::uint64_t, std::pair<long, std::string>> find_processes(
    const std::vector<SocketEntry>& entries, int& unreadable) {
    std::map<std::uint64_t, std::pair<long, std::string>> found;
    std::map<std::uint64_t, unsigned long long> found_started;
    const auto self = static_cast<long>(::getpid());
    std::error_code ec;
    for (const auto& proc : fs::directory_iterator("/proc", ec)) {
        const auto pid_text = proc.path().filename().string();
        if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        const long pid = std::stol(pid_text);
        if (pid == self) continue;
        std::error_code fd_ec;
        fs::directory_iterator fds(proc.path() / "fd", fd_ec);
        if (fd_ec) {
            ++unreadable;
            continue;
        }
        for (const auto& fd : fds) {
            std::error_code link_ec;
            const auto target = fs::read_symlink(fd.path(), link_ec).string();
            if (link_ec || target.rfind("socket:[", 0) != 0) continue;
            const auto inode = std::strtoull(target.c_str() + 8, nullptr, 10);
            for (const auto& e : entries) {
                if (e.inode != inode) continue;
                const auto started = start_time(proc.path());
                const auto known = found_started.find(inode);
                if (known == found_started.end() || started < known->second) {
                    found[inode] = {pid, process_name(proc.path())};
                    found_started[inode] = started;
                }
            }
        }
    }
    return found;
}

}  // namespace

PortOwnerLookup find_udp_port_owners(std::uint16_t port) {
    PortOwnerLookup lookup;
    lookup.method = "/proc/net/udp + /proc/PID/fd";
    auto entries = sockets_on_port("/proc/net/udp", port);
    const auto v6 = sockets_on_port("/proc/net/udp6", port);
    entries.insert(entries.end(), v6.begin(), v6.end());
    if (entries.empty()) {
        if (!fs::exists("/proc/net/udp")) lookup.note = "/proc/net/udp is missing";
        return lookup;
    }
    int unreadable = 0;
    const auto processes = find_processes(entries, unreadable);
    for (const auto& e : entries) {
        PortOwner owner{e.local_address, e.port, -1, {}};
        if (const auto it = processes.find(e.inode); it != processes.end()) {
            owner.pid = it->second.first;
            owner.process = it->second.second;
        }
        lookup.owners.push_back(owner);
    }
    const bool unnamed = std::any_of(lookup.owners.begin(), lookup.owners.end(),
                                     [](const PortOwner& o) { return o.pid < 0; });
    if (unnamed) {
        lookup.note =
            unreadable > 0 && geteuid() != 0
                ? "some sockets belong to other users' processes: run as root to name them"
                : "the socket's process was not found (it may be in another PID "
                  "namespace or have exited)";
    }
    return lookup;
}

}  // namespace netdiag::platform::multicast
