#include "probes/host/link_power_findings.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "platform/interface_names.hpp"

namespace netdiag::probes::host {
namespace {

using platform::NetInterface;

// Drivers with public reports of links that drop while EEE is on (Intel I225/I226 igc, I219
// e1000e, Realtek r8169/r8152, Microchip lan78xx), and while PCIe ASPM is on (igc, r8169 and
// its r8125 variant, e1000e). Windows names adapters by description, so the chips are matched
// there. docs/findings/ND-HOST-007.md and -008.md list the reports.
constexpr std::array<std::string_view, 5> kEeeDropDrivers = {"igc", "e1000e", "r8169", "r8152",
                                                             "lan78xx"};
constexpr std::array<std::string_view, 4> kAspmDropDrivers = {"igc", "r8169", "r8125", "e1000e"};
constexpr std::array<std::string_view, 4> kEeeDropChips = {"I225", "I226", "I219", "Realtek"};

// The power plan's USB settings subgroup and its selective-suspend setting (powercfg aliases
// are not stable across versions; the GUIDs are).
constexpr std::string_view kUsbSubgroup = "2a737441-1930-4402-8d77-b2bebba308a3";
constexpr std::string_view kUsbSelectiveSuspend = "48e6b7a6-50f5-4782-a5d4-53bb8f07e226";

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& list, const std::string& driver) {
    return std::find(list.begin(), list.end(), driver) != list.end();
}

bool mentions(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

struct Context {
    const platform::HostSnapshot& host;
    const NetInterface& iface;
    const RecordedDrops* drops;  // null: watch recorded nothing (or did not run)
    std::string_view probe;
};

Finding link_finding(const Context& c, std::string_view id, std::string title) {
    const auto severity =
        c.drops != nullptr && c.drops->periodic ? Severity::error : Severity::warning;
    auto f = FindingFactory(c.probe)(id, severity, std::move(title));
    f.evidence = {{"interface", c.iface.name},
                  {"driver", c.iface.driver},
                  {"bus", c.iface.bus},
                  {"default_route", carries_default_route(c.host, c.iface)}};
    if (!c.iface.friendly_name.empty()) f.evidence["friendly_name"] = c.iface.friendly_name;
    if (c.drops != nullptr) {
        f.evidence["watch"] = {{"drops", c.drops->drops},
                               {"periodic", c.drops->periodic},
                               {"period_s", c.drops->period_s}};
    }
    return f;
}

// The sentence that joins what watch recorded.
std::string drops_text(const Context& c) {
    if (c.drops == nullptr) return {};
    if (c.drops->periodic) {
        return fmt::format(
            ". netdiag watch recorded {} periodic drops of this adapter, every {:.0f} s: this "
            "power feature is a likely cause",
            c.drops->drops, c.drops->period_s);
    }
    return fmt::format(
        ". netdiag watch recorded {} drop(s) of this adapter; this power feature "
        "can cause them",
        c.drops->drops);
}

std::string alias(const NetInterface& i) {
    return platform::display_name(i);
}

std::optional<Finding> windows_power_off(const Context& c) {
    const auto& i = c.iface;
    if (!i.power.windows || i.power.windows->class_key.empty()) return std::nullopt;
    const auto& w = *i.power.windows;
    const auto allowed = platform::windows_turn_off_allowed(w).value_or(false);
    const bool suspend = platform::property_enabled(w, "*SelectiveSuspend").value_or(false);
    const bool usb = i.bus == "usb";
    const bool suspect = c.drops != nullptr ? (allowed || suspend) : ((allowed && usb) || suspend);
    if (!suspect) return std::nullopt;
    const auto& plan = c.host.power.plan;
    const bool plan_suspends = plan && (plan->usb_selective_suspend_ac.value_or(0) != 0 ||
                                        plan->usb_selective_suspend_dc.value_or(0) != 0);

    std::vector<std::string> what;
    if (allowed)
        what.emplace_back("\"Allow the computer to turn off this device to save power\" is on");
    if (suspend) what.emplace_back("the driver's selective suspend (*SelectiveSuspend) is on");
    if (usb && plan_suspends) what.emplace_back("the power plan suspends idle USB devices");
    auto f = link_finding(c, kWindowsPowerOff,
                          fmt::format("Windows may turn off {} to save power", alias(i)));
    f.detail = fmt::format(
        "{} ({}{}) {}: {}. Windows then powers the adapter down when it looks idle, and the link "
        "drops for seconds, breaking streams and bound sockets{}",
        alias(i), usb ? "USB, " : "", i.driver.empty() ? "unknown driver" : i.driver,
        carries_default_route(c.host, i) ? "carries the default route" : "is in use",
        fmt::join(what, "; "), drops_text(c));
    f.evidence["class_key"] = w.class_key;
    f.evidence["pnp_capabilities"] =
        w.pnp_capabilities ? nlohmann::json(*w.pnp_capabilities) : nlohmann::json(nullptr);
    f.evidence["turn_off_allowed"] = allowed;
    f.evidence["selective_suspend"] = suspend;
    if (plan) f.evidence["power_plan"] = platform::to_json(c.host.power)["plan"];

    const auto name = alias(i);
    f.remedy.push_back(fmt::format(
        "Device Manager → Network adapters → {} → Properties → Power Management: untick \"Allow "
        "the computer to turn off this device to save power\"",
        i.driver.empty() ? name : i.driver));
    f.remedy.push_back(
        fmt::format("Or in an elevated PowerShell: Set-NetAdapterPowerManagement -Name \"{}\" "
                    "-AllowComputerToTurnOffDevice Disabled -SelectiveSuspend Disabled",
                    name));
    if (suspend) {
        f.remedy.push_back(fmt::format(
            "Turn the driver's selective suspend off: Set-NetAdapterAdvancedProperty -Name \"{}\" "
            "-RegistryKeyword \"*SelectiveSuspend\" -RegistryValue 0",
            name));
    }
    if (usb) {
        f.remedy.push_back(fmt::format(
            "Stop the power plan suspending USB devices: powercfg /setacvalueindex SCHEME_CURRENT "
            "{0} {1} 0; powercfg /setdcvalueindex SCHEME_CURRENT {0} {1} 0; powercfg /setactive "
            "SCHEME_CURRENT (or switch to the High performance plan: powercfg /setactive "
            "SCHEME_MIN)",
            kUsbSubgroup, kUsbSelectiveSuspend));
    }
    return f;
}

// EEE on: Linux from ethtool, Windows from the driver's *EEE property.
std::optional<Finding> eee_active(const Context& c) {
    const auto& i = c.iface;
    bool on = false;
    bool known = false;
    std::string how;
    if (i.power.eee && i.power.eee->error.empty()) {
        const auto& e = *i.power.eee;
        on = e.active.value_or(e.enabled.value_or(false));
        how = fmt::format("EEE is {} (ethtool: enabled {}, active {})",
                          e.active.value_or(false) ? "active" : "enabled",
                          e.enabled ? (*e.enabled ? "yes" : "no") : "unknown",
                          e.active ? (*e.active ? "yes" : "no") : "unknown");
        known = listed(kEeeDropDrivers, i.driver);
    } else if (i.power.windows && !i.power.windows->class_key.empty()) {
        on = platform::property_enabled(*i.power.windows, "*EEE").value_or(false);
        how = "the driver's Energy-Efficient Ethernet property (*EEE) is on";
        known = std::any_of(kEeeDropChips.begin(), kEeeDropChips.end(),
                            [&](std::string_view chip) { return mentions(i.driver, chip); });
    }
    const bool suspect = on && (c.drops != nullptr || known || i.bus == "usb");
    if (!suspect) return std::nullopt;
    auto f = link_finding(c, kEeeActive,
                          fmt::format("Energy-Efficient Ethernet is on for {}", alias(i)));
    f.detail = fmt::format(
        "{} ({}){}: {}. With EEE the link enters low-power idle between packets; with this "
        "driver{} the link partner and the adapter can disagree on waking, and the link "
        "drops or stalls{}",
        alias(i), i.driver.empty() ? "unknown driver" : i.driver,
        carries_default_route(c.host, i) ? " carries the default route" : "", how,
        known ? ", which has public reports of such drops," : " or dock", drops_text(c));
    f.evidence["eee"] = platform::to_json(i.power)["eee"];
    f.evidence["known_driver"] = known;
    if (i.power.windows) {
        f.remedy = {
            fmt::format("Device Manager → Network adapters → {} → Properties → Advanced → "
                        "Energy-Efficient Ethernet (or Green Ethernet): Disabled",
                        i.driver.empty() ? alias(i) : i.driver),
            fmt::format("Or in an elevated PowerShell: Set-NetAdapterAdvancedProperty -Name \"{}\" "
                        "-RegistryKeyword \"*EEE\" -RegistryValue 0",
                        alias(i))};
    } else {
        f.remedy = {fmt::format("Turn EEE off now: sudo ethtool --set-eee {} eee off", i.name),
                    fmt::format("Keep it off across reboots with a udev rule, e.g. "
                                "/etc/udev/rules.d/70-eee-off.rules: ACTION==\"add\", "
                                "SUBSYSTEM==\"net\", KERNEL==\"{0}\", RUN+=\"/usr/sbin/ethtool "
                                "--set-eee {0} eee off\"",
                                i.name),
                    "If the drops stop, update the driver and firmware before turning EEE back on"};
    }
    return f;
}

std::optional<Finding> aspm_active(const Context& c) {
    const auto& i = c.iface;
    if (i.power.pci_address.empty()) return std::nullopt;
    const auto states = platform::enabled_aspm_states(i.power.aspm);
    const auto& policy = c.host.power.aspm_policy;
    const bool saving_policy = policy == "powersave" || policy == "powersupersave";
    // Without the link/ folder (older kernels) only a power-saving policy says ASPM is on.
    const bool on = !states.empty() || (i.power.aspm.empty() && saving_policy);
    const bool known = listed(kAspmDropDrivers, i.driver);
    if (!on || !(known || c.drops != nullptr)) return std::nullopt;
    auto f = link_finding(c, kAspmActive, fmt::format("PCIe ASPM is on for {}", alias(i)));
    f.detail = fmt::format(
        "{} ({}, PCI {}){}: {} (pcie_aspm policy {}). In ASPM low-power states the PCIe link "
        "must wake before traffic flows; with this driver{} the adapter can miss the wake-up, "
        "and the network link drops or the device falls off the bus{}",
        alias(i), i.driver.empty() ? "unknown driver" : i.driver, i.power.pci_address,
        carries_default_route(c.host, i) ? " carries the default route" : "",
        states.empty() ? "the link states are not shown by this kernel"
                       : "ASPM states on: " + states,
        policy.empty() ? "unknown" : policy,
        known ? ", which has public reports of such drops," : "", drops_text(c));
    f.evidence["pci_address"] = i.power.pci_address;
    f.evidence["aspm"] = platform::to_json(i.power)["aspm"];
    f.evidence["aspm_policy"] = policy;
    f.evidence["known_driver"] = known;
    std::string writes;
    for (const auto& s : i.power.aspm) {
        if (!s.enabled) continue;
        const auto file = mentions(s.name, "pcipm") ? s.name : s.name + "_aspm";
        if (!writes.empty()) writes += "; ";
        writes += fmt::format("echo 0 | sudo tee /sys/bus/pci/devices/{}/link/{}",
                              i.power.pci_address, file);
    }
    if (!writes.empty()) f.remedy.push_back("Turn the link's ASPM states off now: " + writes);
    if (!states.empty()) {
        f.remedy.push_back(fmt::format(
            "Keep them off with a udev rule, e.g. /etc/udev/rules.d/70-aspm-off.rules: "
            "ACTION==\"add\", SUBSYSTEM==\"pci\", KERNEL==\"{}\", ATTR{{link/l1_aspm}}=\"0\"",
            i.power.pci_address));
    }
    f.remedy.emplace_back(
        "Or for the whole machine, boot with the kernel parameter pcie_aspm=off (or "
        "pcie_aspm.policy=performance) added to GRUB_CMDLINE_LINUX in /etc/default/grub, then "
        "sudo update-grub");
    return f;
}

void judge_interface(const Context& c, std::vector<Finding>& out) {
    for (auto* judge : {&windows_power_off, &eee_active, &aspm_active}) {
        if (auto f = judge(c)) out.push_back(std::move(*f));
    }
}

}  // namespace

bool carries_default_route(const platform::HostSnapshot& host, const platform::NetInterface& i) {
    return std::any_of(host.default_routes.begin(), host.default_routes.end(),
                       [&](const auto& r) { return r.interface_name == i.name; });
}

std::vector<Finding> judge_link_power(const platform::HostSnapshot& host) {
    std::vector<Finding> findings;
    for (const auto& i : host.interfaces) {
        if (!carries_default_route(host, i)) continue;
        judge_interface({host, i, nullptr, "host"}, findings);
    }
    return findings;
}

std::vector<Finding> judge_link_power_after_drops(const platform::HostSnapshot& host,
                                                  const std::vector<RecordedDrops>& drops,
                                                  std::string_view probe) {
    std::vector<Finding> findings;
    for (const auto& d : drops) {
        const auto* i = platform::find_interface(host, d.interface_name);
        if (i == nullptr) continue;
        judge_interface({host, *i, &d, probe}, findings);
    }
    return findings;
}

}  // namespace netdiag::probes::host
