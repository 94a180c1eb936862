// The Linux platform layer against fixture trees: WSL kinds, a USB NIC with autosuspend, routes.
#include <catch2/catch.hpp>

#include "finding_ids.hpp"
#include "test_skip.hpp"

#include <filesystem>

#include "platform/portable/sysfs_reader.hpp"
#include "probes/host/host_probe.hpp"

using namespace netdiag;
using namespace netdiag::platform;
using netdiag::probes::host::judge_host;

namespace {

linux_fs::SysfsReader fixture(const std::string& name) {
    return linux_fs::SysfsReader(std::string(NETDIAG_FIXTURES_DIR) + "/sysroot/" + name);
}

// sysfs is a tree of symbolic links (device, driver). Where the file layer resolves them instead
// of showing them (the Windows build under Wine), the bus and driver checks cannot run.
[[maybe_unused]] bool fixture_links_visible(const std::string& name) {
    const auto link = std::filesystem::path(NETDIAG_FIXTURES_DIR) / "sysroot" / name /
                      "sys/class/net/eth1/device";
    std::error_code ec;
    return std::filesystem::is_symlink(std::filesystem::symlink_status(link, ec));
}

HostSnapshot snapshot_of(const std::string& name) {
    auto reader = fixture(name);
    HostSnapshot s;
    s.facts = reader.host_facts();
    s.interfaces = reader.interfaces();
    s.default_routes = reader.default_routes(s.interfaces);
    return s;
}

[[maybe_unused]] const NetInterface& find_interface(const HostSnapshot& s,
                                                    const std::string& name) {
    for (const auto& i : s.interfaces) {
        if (i.name == name) return i;
    }
    FAIL("no interface " << name);
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("WSL kind comes from the kernel release") {
    CHECK(linux_fs::detect_wsl("6.1.0-18-amd64", "Linux version 6.1.0") == WslKind::none);
    CHECK(linux_fs::detect_wsl("4.4.0-19041-Microsoft", "") == WslKind::wsl1);
    CHECK(linux_fs::detect_wsl("5.15.153.1-microsoft-standard-WSL2", "") == WslKind::wsl2);
}

TEST_CASE("WSL1 fixture: facts and the WSL1 finding") {
    const auto s = snapshot_of("wsl1");
    CHECK(s.facts.wsl == WslKind::wsl1);
    CHECK(s.facts.wsl_networking.empty());
    CHECK(s.facts.os_name == "Ubuntu 22.04.4 LTS");
    CHECK(s.facts.os_version == "22.04");
    CHECK(s.facts.hostname == "fixture-host");
    REQUIRE(s.default_routes.size() == 1);
    CHECK(s.default_routes[0].gateway == "192.168.1.1");
    CHECK(s.default_routes[0].interface_name == "eth0");
    CHECK(s.default_routes[0].interface_index == 2);
    const auto found = test::finding_ids(judge_host(s));
    CHECK(found == std::vector<std::string>{"ND-HOST-003"});
}

TEST_CASE("WSL2 networking mode: NAT vs mirrored") {
    const auto nat = snapshot_of("wsl2-nat");
    CHECK(nat.facts.wsl == WslKind::wsl2);
    CHECK(nat.facts.wsl_networking == "nat");
    CHECK(nat.default_routes.at(0).gateway == "172.240.0.1");
    CHECK(judge_host(nat).empty());

    const auto mirrored = snapshot_of("wsl2-mirrored");
    CHECK(mirrored.facts.wsl == WslKind::wsl2);
    CHECK(mirrored.facts.wsl_networking == "mirrored");
}

// The fixture trees' sysfs symbolic links are a Linux file system's; Wine's view of them does
// not follow every one, so these cases run where the sysfs reader runs.
#ifndef _WIN32
TEST_CASE("USB NIC with autosuspend carrying the default route") {
    if (!fixture_links_visible("usb-dock")) {
        NETDIAG_SKIP("symlinks",
                     "this file system does not show the fixture's sysfs symbolic links");
    }
    const auto s = snapshot_of("usb-dock");
    const auto& eth1 = find_interface(s, "eth1");
    CHECK(eth1.bus == "usb");
    CHECK(eth1.driver == "r8152");
    CHECK(eth1.usb_power_control == "auto");
    CHECK(eth1.flags.up);
    CHECK(eth1.flags.running);
    CHECK(eth1.flags.multicast);
    CHECK(eth1.hardware_address == "00:e0:4c:68:00:01");
    CHECK(eth1.index == 3);

    const auto& eno1 = find_interface(s, "eno1");
    CHECK(eno1.bus == "pci");
    CHECK(eno1.driver == "e1000e");
    CHECK_FALSE(eno1.flags.up);
    CHECK(eno1.usb_power_control.empty());

    const auto& wg0 = find_interface(s, "wg0");
    CHECK(wg0.bus == "virtual");
    CHECK(wg0.flags.point_to_point);

    const auto& lo = find_interface(s, "lo");
    CHECK(lo.flags.loopback);
    CHECK(lo.hardware_address.empty());

    // Interfaces come sorted by index.
    CHECK(s.interfaces.front().name == "lo");

    // IPv4 default via eth1 (the 192.168.1.0/24 network route is not a default route) and the
    // IPv6 default via fe80::1; the kernel's unreachable placeholder on lo is skipped.
    REQUIRE(s.default_routes.size() == 2);
    CHECK(s.default_routes[0].family == "ipv4");
    CHECK(s.default_routes[0].metric == 100);
    CHECK(s.default_routes[1].family == "ipv6");
    CHECK(s.default_routes[1].gateway == "fe80::1");
    CHECK(s.default_routes[1].interface_name == "eth1");

    const auto findings = judge_host(s);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-HOST-001"});
    CHECK(findings[0].severity == Severity::warning);
    CHECK(findings[0].evidence["driver"] == "r8152");
    CHECK(findings[0].evidence["usb_power_control"] == "auto");
    CHECK_FALSE(findings[0].remedy.empty());
}

TEST_CASE("USB NIC with autosuspend off is info, an up NIC without MULTICAST is reported") {
    if (!fixture_links_visible("usb-dock-power-on")) {
        NETDIAG_SKIP("symlinks",
                     "this file system does not show the fixture's sysfs symbolic links");
    }
    const auto s = snapshot_of("usb-dock-power-on");
    const auto findings = judge_host(s);
    // Findings come in interface-index order: eno1 (2) before eth1 (3).
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-HOST-002", "ND-HOST-005"});
    // eno1 lacks MULTICAST but does not carry the default route: info, not warning.
    CHECK(findings[0].severity == Severity::info);
    CHECK(findings[0].evidence["interface"] == "eno1");
    CHECK(findings[1].severity == Severity::info);
    CHECK(findings[1].evidence["interface"] == "eth1");
}
#endif  // _WIN32

TEST_CASE("No default route, container hint") {
    const auto s = snapshot_of("no-route");
    CHECK(s.default_routes.empty());
    CHECK(s.facts.container == "docker");
    CHECK(test::finding_ids(judge_host(s)) == std::vector<std::string>{"ND-HOST-004"});
}

TEST_CASE("A missing root yields warnings, not exceptions") {
    auto reader = fixture("does-not-exist");
    const auto facts = reader.host_facts();
    CHECK(facts.os == "linux");
    CHECK(reader.interfaces().empty());
    CHECK_FALSE(reader.warnings().empty());
}

TEST_CASE("route table parsing") {
    const auto routes = linux_fs::parse_ipv4_default_routes(
        "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n"
        "wlan0\t00000000\t00000000\t0001\t0\t0\t600\t00000000\t0\t0\t0\n"
        "garbage line\n");
    REQUIRE(routes.size() == 1);
    CHECK(routes[0].gateway.empty());  // on-link default (point-to-point links)
    CHECK(routes[0].metric == 600);
}
