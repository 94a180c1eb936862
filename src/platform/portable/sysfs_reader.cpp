#include "platform/portable/sysfs_reader.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <asio/ip/address_v6.hpp>

namespace netdiag::platform::linux_fs {
namespace fs = std::filesystem;

namespace {

// Interface flag bits as the kernel exposes them in /sys/class/net/<if>/flags (linux/if.h).
constexpr unsigned long kIffUp = 0x1;
constexpr unsigned long kIffLoopback = 0x8;
constexpr unsigned long kIffPointToPoint = 0x10;
constexpr unsigned long kIffMulticast = 0x1000;

std::string trim(std::string s) {
    const auto not_space = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
    s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
    return s;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::optional<unsigned long> parse_number(const std::optional<std::string>& text, int base) {
    if (!text || text->empty()) return std::nullopt;
    try {
        size_t used = 0;
        const auto value = std::stoul(*text, &used, base);
        if (used != text->size()) return std::nullopt;
        return value;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// /proc/net/route stores IPv4 addresses as host-order hex of the network-order bytes, i.e.
// little-endian on the machines that write it: "0100A8C0" is 192.168.0.1.
std::string ipv4_from_proc_hex(const std::string& hex) {
    const auto value = parse_number(hex, 16).value_or(0);
    return fmt::format("{}.{}.{}.{}", value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff,
                       (value >> 24) & 0xff);
}

std::string ipv6_from_proc_hex(const std::string& hex) {
    if (hex.size() != 32) return {};
    asio::ip::address_v6::bytes_type bytes{};
    for (size_t i = 0; i < bytes.size(); ++i) {
        bytes[i] = static_cast<unsigned char>(std::stoul(hex.substr(i * 2, 2), nullptr, 16));
    }
    return asio::ip::make_address_v6(bytes).to_string();
}

std::map<std::string, std::string> parse_os_release(const std::string& text) {
    std::map<std::string, std::string> values;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        const auto eq = line.find('=');
        if (eq == std::string::npos || line.starts_with('#')) continue;
        auto value = trim(line.substr(eq + 1));
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
            value = value.substr(1, value.size() - 2);
        }
        values[trim(line.substr(0, eq))] = value;
    }
    return values;
}

}  // namespace

fs::path SysfsReader::under_root(const fs::path& relative) const {
    return root_ / relative.relative_path();
}

std::optional<std::string> SysfsReader::read_text(const fs::path& relative) const {
    std::ifstream in(under_root(relative), std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return trim(buffer.str());
}

WslKind detect_wsl(const std::string& osrelease, const std::string& proc_version) {
    const auto release = lower(osrelease);
    if (release.find("microsoft") == std::string::npos &&
        lower(proc_version).find("microsoft") == std::string::npos) {
        return WslKind::none;
    }
    // WSL2 kernels are named "…-microsoft-standard-WSL2"; WSL1 reports "…-Microsoft".
    if (release.find("wsl2") != std::string::npos ||
        release.find("microsoft-standard") != std::string::npos ||
        lower(proc_version).find("wsl2") != std::string::npos) {
        return WslKind::wsl2;
    }
    return WslKind::wsl1;
}

HostFacts SysfsReader::host_facts() const {
    HostFacts facts;
    facts.os = "linux";
    const auto os_release = read_text("/etc/os-release");
    if (os_release) {
        const auto values = parse_os_release(*os_release);
        auto find = [&](const char* key) {
            const auto it = values.find(key);
            return it == values.end() ? std::string{} : it->second;
        };
        facts.os_name = find("PRETTY_NAME");
        if (facts.os_name.empty()) facts.os_name = find("NAME");
        facts.os_version = find("VERSION_ID");
    } else {
        warnings_.push_back("cannot read /etc/os-release");
    }
    if (facts.os_name.empty()) facts.os_name = "Linux";

    const auto osrelease = read_text("/proc/sys/kernel/osrelease");
    if (!osrelease) warnings_.push_back("cannot read /proc/sys/kernel/osrelease");
    facts.kernel = osrelease.value_or("");
    facts.hostname = read_text("/proc/sys/kernel/hostname").value_or("");
    facts.wsl = detect_wsl(facts.kernel, read_text("/proc/version").value_or(""));
    if (facts.wsl == WslKind::wsl2) {
        // Mirrored networking shows the Windows host's adapters and adds "loopback0"; NAT
        // networking gives one virtual eth0 behind the Windows host.
        facts.wsl_networking =
            fs::exists(under_root("/sys/class/net/loopback0")) ? "mirrored" : "nat";
    }

    if (fs::exists(under_root("/.dockerenv"))) {
        facts.container = "docker";
    } else if (fs::exists(under_root("/run/.containerenv"))) {
        facts.container = "podman";
    } else if (const auto cgroup = read_text("/proc/1/cgroup")) {
        if (cgroup->find("kubepods") != std::string::npos) {
            facts.container = "kubernetes";
        } else if (cgroup->find("/lxc") != std::string::npos) {
            facts.container = "lxc";
        } else if (cgroup->find("/docker") != std::string::npos) {
            facts.container = "docker";
        }
    }
    return facts;
}

void SysfsReader::fill_device_facts(NetInterface& iface) const {
    const auto class_dir = under_root("/sys/class/net") / iface.name;
    std::error_code ec;
    const auto device = fs::canonical(class_dir / "device", ec);
    if (ec) {
        iface.bus = "virtual";  // no backing device: lo, bridges, veth, tunnels
        return;
    }
    // The link's last component names the driver; its target need not be resolvable (a
    // fixture tree, or a driver unbound while we look).
    const auto driver = fs::read_symlink(device / "driver", ec);
    if (!ec) iface.driver = driver.filename().string();

    // Judge the bus by the path inside the root only: the root itself may be named anything.
    const auto root = fs::canonical(root_, ec);
    const auto path = "/" + (ec ? device : device.lexically_relative(root)).generic_string();
    if (path.find("/usb") != std::string::npos) {
        iface.bus = "usb";
        // The network function is a USB interface (".../2-1/2-1:1.0"); power management
        // belongs to its parent, the USB device ("2-1").
        std::ifstream control(device.parent_path() / "power" / "control");
        std::string value;
        if (control >> value) iface.usb_power_control = value;
    } else if (path.find("/pci") != std::string::npos) {
        iface.bus = "pci";
        fill_pci_power(iface, device);
    } else if (path.find("/virtio") != std::string::npos) {
        iface.bus = "virtio";
    }
}

std::vector<NetInterface> SysfsReader::interfaces() const {
    std::vector<NetInterface> result;
    std::error_code ec;
    fs::directory_iterator it(under_root("/sys/class/net"), ec);
    if (ec) {
        warnings_.push_back(fmt::format("cannot list /sys/class/net: {}", ec.message()));
        return result;
    }
    for (const auto& entry : it) {
        NetInterface iface;
        iface.name = entry.path().filename().string();
        const auto rel = fs::path("/sys/class/net") / iface.name;
        iface.index =
            static_cast<unsigned>(parse_number(read_text(rel / "ifindex"), 10).value_or(0));
        iface.mtu = static_cast<unsigned>(parse_number(read_text(rel / "mtu"), 10).value_or(0));
        const auto flags = parse_number(read_text(rel / "flags"), 16).value_or(0);
        iface.flags.up = flags & kIffUp;
        iface.flags.loopback = flags & kIffLoopback;
        iface.flags.point_to_point = flags & kIffPointToPoint;
        iface.flags.multicast = flags & kIffMulticast;
        // sysfs "flags" never carries IFF_RUNNING; the carrier file does (read fails when the
        // interface is down).
        iface.flags.running = iface.flags.up && read_text(rel / "carrier").value_or("0") == "1";
        iface.oper_state = read_text(rel / "operstate").value_or("unknown");
        const auto mac = read_text(rel / "address").value_or("");
        if (!mac.empty() && mac != "00:00:00:00:00:00") iface.hardware_address = mac;
        fill_device_facts(iface);
        if (auto eee = recorded_eee(iface.name)) iface.power.eee = std::move(eee);
        result.push_back(std::move(iface));
    }
    std::sort(result.begin(), result.end(),
              [](const auto& a, const auto& b) { return a.index < b.index; });
    return result;
}

std::vector<Route> parse_ipv4_default_routes(const std::string& text) {
    // Columns: Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT
    std::vector<Route> routes;
    std::istringstream lines(text);
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) {
        std::istringstream cols(line);
        std::string iface, dest, gateway, flags, refcnt, use, metric, mask;
        if (!(cols >> iface >> dest >> gateway >> flags >> refcnt >> use >> metric >> mask)) {
            continue;
        }
        if (dest != "00000000" || mask != "00000000") continue;
        Route r;
        r.family = "ipv4";
        r.destination = "0.0.0.0";
        r.prefix_length = 0;
        r.gateway = gateway == "00000000" ? "" : ipv4_from_proc_hex(gateway);
        r.interface_name = iface;
        r.metric = static_cast<unsigned>(parse_number(metric, 10).value_or(0));
        routes.push_back(std::move(r));
    }
    return routes;
}

std::vector<Route> parse_ipv6_default_routes(const std::string& text) {
    // Columns: dest dest_prefix src src_prefix next_hop metric refcnt use flags iface
    std::vector<Route> routes;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream cols(line);
        std::string dest, dest_prefix, src, src_prefix, next_hop, metric, refcnt, use, flags, iface;
        if (!(cols >> dest >> dest_prefix >> src >> src_prefix >> next_hop >> metric >> refcnt >>
              use >> flags >> iface)) {
            continue;
        }
        if (dest != std::string(32, '0') || dest_prefix != "00" || iface == "lo") continue;
        // RTF_REJECT (0x200) marks the kernel's unreachable placeholder, not a real route.
        if (parse_number(flags, 16).value_or(0) & 0x200) continue;
        Route r;
        r.family = "ipv6";
        r.destination = "::";
        r.gateway = next_hop == std::string(32, '0') ? "" : ipv6_from_proc_hex(next_hop);
        r.interface_name = iface;
        r.metric = static_cast<unsigned>(parse_number(metric, 16).value_or(0));
        routes.push_back(std::move(r));
    }
    return routes;
}

std::vector<Route> SysfsReader::default_routes(const std::vector<NetInterface>& interfaces) const {
    std::vector<Route> routes;
    if (const auto v4 = read_text("/proc/net/route")) {
        routes = parse_ipv4_default_routes(*v4);
    } else {
        warnings_.push_back("cannot read /proc/net/route");
    }
    if (const auto v6 = read_text("/proc/net/ipv6_route")) {
        auto more = parse_ipv6_default_routes(*v6);
        routes.insert(routes.end(), more.begin(), more.end());
    }
    for (auto& r : routes) {
        for (const auto& iface : interfaces) {
            if (iface.name == r.interface_name) r.interface_index = iface.index;
        }
    }
    std::stable_sort(routes.begin(), routes.end(),
                     [](const auto& a, const auto& b) { return a.metric < b.metric; });
    return routes;
}

std::optional<std::uint64_t> parse_netstat_counter(const std::string& text,
                                                   const std::string& group,
                                                   const std::string& name) {
    const std::string prefix = group + ":";
    std::istringstream lines(text);
    std::string names_line;
    std::string values_line;
    while (std::getline(lines, names_line)) {
        if (names_line.rfind(prefix, 0) != 0) continue;
        if (!std::getline(lines, values_line) || values_line.rfind(prefix, 0) != 0) break;
        std::istringstream names(names_line.substr(prefix.size()));
        std::istringstream values(values_line.substr(prefix.size()));
        std::string key;
        std::string value;
        while (names >> key && values >> value) {
            if (key != name) continue;
            try {
                std::size_t used = 0;
                const auto number = std::stoull(value, &used);
                if (used == value.size()) return number;
            } catch (const std::exception&) {
            }
            return std::nullopt;
        }
    }
    return std::nullopt;
}

}  // namespace netdiag::platform::linux_fs
