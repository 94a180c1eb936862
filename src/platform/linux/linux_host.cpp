// Host snapshot on Linux: files through SysfsReader, addresses from getifaddrs(), the
// architecture from uname().
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/utsname.h>

#include <cstdlib>
#include <memory>

#include "netdiag/platform.hpp"
#include "platform/linux/ethtool_eee_linux.hpp"
#include "platform/portable/sysfs_reader.hpp"

namespace netdiag::platform {
namespace {

int prefix_length(const sockaddr* mask) {
    if (mask == nullptr) return 0;
    const unsigned char* bytes = nullptr;
    size_t size = 0;
    if (mask->sa_family == AF_INET) {
        bytes = reinterpret_cast<const unsigned char*>(
            &reinterpret_cast<const sockaddr_in*>(mask)->sin_addr);
        size = 4;
    } else if (mask->sa_family == AF_INET6) {
        bytes = reinterpret_cast<const sockaddr_in6*>(mask)->sin6_addr.s6_addr;
        size = 16;
    }
    int bits = 0;
    for (size_t i = 0; i < size; ++i) bits += __builtin_popcount(bytes[i]);
    return bits;
}

void add_addresses(std::vector<NetInterface>& interfaces, std::vector<std::string>& warnings) {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) {
        warnings.push_back("getifaddrs: " + last_socket_error().describe());
        return;
    }
    std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> guard(list, freeifaddrs);
    for (auto* a = list; a != nullptr; a = a->ifa_next) {
        if (a->ifa_addr == nullptr) continue;
        const int family = a->ifa_addr->sa_family;
        if (family != AF_INET && family != AF_INET6) continue;
        char text[INET6_ADDRSTRLEN] = {};
        const void* raw =
            family == AF_INET
                ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr)
                : static_cast<const void*>(
                      &reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr);
        if (inet_ntop(family, raw, text, sizeof text) == nullptr) continue;
        for (auto& iface : interfaces) {
            if (iface.name != a->ifa_name) continue;
            iface.addresses.push_back(
                {family == AF_INET ? "ipv4" : "ipv6", text, prefix_length(a->ifa_netmask)});
        }
    }
}

}  // namespace

std::string_view current_platform() {
    return "linux";
}

HostSnapshot read_host_snapshot() {
    // NETDIAG_SYSROOT points the reader at a fixture tree (tests, and reproducing a user's
    // captured /proc and /sys). Addresses then come from the fixture alone: none.
    const char* sysroot = std::getenv("NETDIAG_SYSROOT");
    const bool real_host = sysroot == nullptr || *sysroot == '\0';
    linux_fs::SysfsReader reader(real_host ? "/" : sysroot);

    HostSnapshot snapshot;
    snapshot.facts = reader.host_facts();
    utsname names{};
    if (uname(&names) == 0) {
        snapshot.facts.architecture = names.machine;
        if (snapshot.facts.kernel.empty()) snapshot.facts.kernel = names.release;
        if (snapshot.facts.hostname.empty() && real_host) snapshot.facts.hostname = names.nodename;
    }
    snapshot.interfaces = reader.interfaces();
    snapshot.power = reader.host_power();
    if (real_host) {
        add_addresses(snapshot.interfaces, snapshot.warnings);
        // EEE is the driver's to say: only adapters with a device behind them are asked.
        for (auto& iface : snapshot.interfaces) {
            if (iface.bus == "usb" || iface.bus == "pci")
                iface.power.eee = linux_fs::query_eee(iface.name);
        }
    }
    snapshot.default_routes = reader.default_routes(snapshot.interfaces);
    snapshot.warnings.insert(snapshot.warnings.end(), reader.warnings().begin(),
                             reader.warnings().end());
    return snapshot;
}

}  // namespace netdiag::platform
