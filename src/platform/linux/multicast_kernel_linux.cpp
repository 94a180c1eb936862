// Linux kernel settings and counters behind multicast delivery: the per-socket membership
// limit, reverse-path filtering per interface and its drop counter. All read from /proc under
// NETDIAG_SYSROOT when it is set, so a captured tree replays them.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "netdiag/multicast.hpp"
#include "platform/portable/sysfs_reader.hpp"

namespace netdiag::platform::multicast {
namespace {

linux_fs::SysfsReader proc_reader() {
    const char* sysroot = std::getenv("NETDIAG_SYSROOT");
    return linux_fs::SysfsReader(sysroot == nullptr || *sysroot == '\0' ? "/" : sysroot);
}

std::optional<int> read_int(const std::string& path) {
    const auto text = proc_reader().read_text(path);
    if (!text) return std::nullopt;
    try {
        std::size_t used = 0;
        const int value = std::stoi(*text, &used);
        if (used == text->size()) return value;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

}  // namespace

std::optional<int> membership_limit() {
    return read_int("/proc/sys/net/ipv4/igmp_max_memberships");
}

std::optional<int> reverse_path_filter(const std::string& interface_name) {
    // An interface name never holds '/', but a fixture or a strange name must not walk paths.
    if (interface_name.empty() || interface_name.find('/') != std::string::npos ||
        interface_name == "." || interface_name == "..") {
        return std::nullopt;
    }
    const auto all = read_int("/proc/sys/net/ipv4/conf/all/rp_filter");
    const auto own = read_int("/proc/sys/net/ipv4/conf/" + interface_name + "/rp_filter");
    if (!all || !own) return std::nullopt;
    return std::max(*all, *own);
}

std::optional<std::uint64_t> reverse_path_drops() {
    const auto text = proc_reader().read_text("/proc/net/netstat");
    if (!text) return std::nullopt;
    return linux_fs::parse_netstat_counter(*text, "TcpExt", "IPReversePathFilter");
}

}  // namespace netdiag::platform::multicast
