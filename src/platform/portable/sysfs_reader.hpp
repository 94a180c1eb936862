// Reads Linux host facts from /proc, /sys and /etc under a root folder. The real host uses "/";
// tests point it at fixture trees (a WSL1 /proc, a USB NIC with autosuspend, …). Pure file
// parsing, so it builds and is tested on every platform.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "netdiag/platform.hpp"

namespace netdiag::platform::linux_fs {

class SysfsReader {
public:
    explicit SysfsReader(std::filesystem::path root) : root_(std::move(root)) {}

    // OS name/version, kernel, hostname, WSL kind and networking mode, container hint.
    // Architecture is left empty: it comes from uname(), not from files.
    HostFacts host_facts() const;
    // Interfaces from /sys/class/net: index, flags, MTU, MAC, oper state, driver, bus, USB
    // power control. Addresses are not in sysfs; the caller adds them.
    std::vector<NetInterface> interfaces() const;
    // The PCIe ASPM policy (/sys/module/pcie_aspm/parameters/policy).
    HostPower host_power() const;
    // A recorded ETHTOOL_MSG_EEE_GET reply for the interface, where the root carries one
    // (netdiag-recorded/ethtool-eee/<if>.hex: a capture, or a fixture); empty otherwise.
    std::optional<EeeState> recorded_eee(const std::string& interface) const;
    // Default routes from /proc/net/route and /proc/net/ipv6_route.
    std::vector<Route> default_routes(const std::vector<NetInterface>& interfaces) const;

    // Lines that could not be read, for HostSnapshot::warnings.
    const std::vector<std::string>& warnings() const { return warnings_; }

    std::optional<std::string> read_text(const std::filesystem::path& relative) const;

private:
    std::filesystem::path under_root(const std::filesystem::path& relative) const;
    void fill_device_facts(NetInterface& iface) const;
    // The PCI adapter's address and its link's ASPM controls (device/link/*aspm*, *pcipm).
    static void fill_pci_power(NetInterface& iface, const std::filesystem::path& device);

    std::filesystem::path root_;
    mutable std::vector<std::string> warnings_;
};

// WSL kind from /proc/sys/kernel/osrelease and /proc/version text.
WslKind detect_wsl(const std::string& osrelease, const std::string& proc_version);

// Parses /proc/net/route text: destination 00000000 with mask 00000000 is a default route.
std::vector<Route> parse_ipv4_default_routes(const std::string& text);
// Parses /proc/net/ipv6_route text: destination ::/0.
std::vector<Route> parse_ipv6_default_routes(const std::string& text);

// One counter from /proc/net/netstat or /proc/net/snmp text, where each group is a line of
// names followed by a line of values ("TcpExt: … IPReversePathFilter …" / "TcpExt: … 3 …").
std::optional<std::uint64_t> parse_netstat_counter(const std::string& text,
                                                   const std::string& group,
                                                   const std::string& name);

}  // namespace netdiag::platform::linux_fs
