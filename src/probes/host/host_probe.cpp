#include "probes/host/host_probe.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "probes/host/link_power_findings.hpp"

namespace netdiag::probes::host {
namespace {

constexpr std::string_view kUsbAutosuspend = "ND-HOST-001";
constexpr std::string_view kNoMulticastFlag = "ND-HOST-002";
constexpr std::string_view kWsl1 = "ND-HOST-003";
constexpr std::string_view kNoDefaultRoute = "ND-HOST-004";
constexpr std::string_view kUsbDefaultRoute = "ND-HOST-005";

constexpr FindingFactory make_finding{"host"};

nlohmann::json usb_evidence(const platform::NetInterface& i) {
    return {{"interface", i.name},
            {"driver", i.driver},
            {"bus", i.bus},
            {"usb_power_control", i.usb_power_control},
            {"oper_state", i.oper_state}};
}

void judge_usb(const platform::HostSnapshot& host, const platform::NetInterface& i,
               std::vector<Finding>& out) {
    if (i.bus != "usb" || !carries_default_route(host, i)) return;
    const auto driver = i.driver.empty() ? std::string("unknown driver") : i.driver;
    if (i.usb_power_control == "auto") {
        auto f = make_finding(kUsbAutosuspend, Severity::warning,
                              fmt::format("USB network adapter {} carries the default route and "
                                          "may autosuspend",
                                          i.name));
        f.detail = fmt::format(
            "{} ({}) is attached over USB with power/control=auto: the kernel may suspend the "
            "adapter, and docks of this kind drop the link periodically, which breaks sockets "
            "bound to its address",
            i.name, driver);
        f.evidence = usb_evidence(i);
        f.remedy = {fmt::format("Disable USB autosuspend for the adapter: echo on | sudo tee "
                                "/sys/class/net/{}/device/../power/control",
                                i.name),
                    "Make it permanent with a udev rule setting ATTR{power/control}=\"on\" for the "
                    "adapter, or boot with usbcore.autosuspend=-1",
                    "Try another USB port or dock, and update the adapter's driver/firmware",
                    "Test over another link (on-board Ethernet) and run `netdiag watch` to catch "
                    "periodic link drops"};
        out.push_back(std::move(f));
    } else {
        auto f =
            make_finding(kUsbDefaultRoute, Severity::info,
                         fmt::format("Default route goes through USB network adapter {}", i.name));
        f.detail = fmt::format(
            "{} ({}) is attached over USB (power/control={}); USB adapters and docks are the "
            "usual cause of periodic link drops",
            i.name, driver, i.usb_power_control.empty() ? "unknown" : i.usb_power_control);
        f.evidence = usb_evidence(i);
        f.remedy = {
            "If streams or connections break periodically, run `netdiag watch` on this "
            "host to record link drops",
            "Prefer an on-board or PCI adapter for latency-sensitive traffic"};
        out.push_back(std::move(f));
    }
}

void judge_multicast_flag(const platform::HostSnapshot& host, const platform::NetInterface& i,
                          std::vector<Finding>& out) {
    // lo has no MULTICAST flag by default and loopback multicast works regardless; point-to-point
    // tunnels (WireGuard, tun) normally have none either.
    if (!i.flags.up || i.flags.multicast || i.flags.loopback || i.flags.point_to_point) return;
    const bool on_default = carries_default_route(host, i);
    auto f = make_finding(kNoMulticastFlag, on_default ? Severity::warning : Severity::info,
                          fmt::format("Interface {} is up without the MULTICAST flag", i.name));
    f.detail = fmt::format(
        "{} is up but has no MULTICAST flag{}: joining a group or sending multicast through it "
        "fails (e.g. Zenoh scouting on 224.0.0.224:7446)",
        i.name, on_default ? " and carries the default route" : "");
    f.evidence = {{"interface", i.name}, {"index", i.index}, {"default_route", on_default}};
    f.remedy = {fmt::format("Enable it: sudo ip link set dev {} multicast on", i.name),
                "If the interface is virtual (VPN, WSL, container), multicast may be unsupported "
                "there: configure peers explicitly instead of discovery"};
    out.push_back(std::move(f));
}

}  // namespace

std::vector<Finding> judge_host(const platform::HostSnapshot& host) {
    std::vector<Finding> findings;
    for (const auto& i : host.interfaces) {
        judge_usb(host, i, findings);
        judge_multicast_flag(host, i, findings);
    }
    auto power = judge_link_power(host);
    findings.insert(findings.end(), power.begin(), power.end());
    if (host.facts.wsl == platform::WslKind::wsl1) {
        auto f = make_finding(kWsl1, Severity::warning,
                              "Running under WSL1: multicast and raw sockets are limited");
        f.detail = fmt::format(
            "kernel '{}' is WSL1's translation layer: it applies Windows socket rules, so "
            "binding a multicast address fails with EADDRNOTAVAIL (99) and raw sockets are "
            "unavailable",
            host.facts.kernel);
        f.evidence = {{"wsl", "wsl1"}, {"kernel", host.facts.kernel}};
        f.remedy = {"Convert the distribution to WSL2: wsl --set-version <distro> 2",
                    "On WSL2, prefer mirrored networking (networkingMode=mirrored in "
                    "%UserProfile%\\.wslconfig) for multicast",
                    "Or run the program natively on Windows"};
        findings.push_back(std::move(f));
    }
    if (host.default_routes.empty()) {
        auto f = make_finding(kNoDefaultRoute, Severity::warning, "No default route");
        f.detail =
            "the host has no IPv4 or IPv6 default route: only directly connected networks are "
            "reachable, and programs that pick a source address from the default route fail";
        f.evidence = {{"interfaces", host.interfaces.size()}};
        f.remedy = {"Check the link and DHCP: ip link; ip addr; ip route",
                    "Add one if the network is static: sudo ip route add default via <gateway>"};
        findings.push_back(std::move(f));
    }
    return findings;
}

namespace {

class HostProbe final : public Probe {
public:
    ProbeResult run(ProbeContext& context) override {
        ProbeResult result;
        const auto& host = context.host();
        result.findings = judge_host(host);
        const auto up = std::count_if(host.interfaces.begin(), host.interfaces.end(),
                                      [](const auto& i) { return i.flags.up; });
        result.measurements = {{"interfaces", host.interfaces.size()},
                               {"interfaces_up", up},
                               {"default_routes", host.default_routes.size()}};
        return result;
    }
};

}  // namespace

std::unique_ptr<Probe> make_probe() {
    return std::make_unique<HostProbe>();
}

}  // namespace netdiag::probes::host
