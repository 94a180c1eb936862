// Power features that can take a link down, as facts: Energy-Efficient Ethernet and PCIe ASPM
// on Linux, the adapter's power management and the power plan on Windows. Each fact is either
// read or undecided with the reason; the judgement (probes/host/link_power_findings) is portable.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netdiag::platform {

// Energy-Efficient Ethernet as the driver reports it (Linux: ETHTOOL_MSG_EEE_GET over generic
// netlink, else the ETHTOOL_GEEE ioctl; a fixture root: a recorded netlink reply).
struct EeeState {
    std::optional<bool> enabled;  // configured on
    std::optional<bool> active;   // negotiated with the link partner and in use
    std::string source;           // "netlink", "ioctl" or "recorded"
    std::string error;            // why it is unknown ("EOPNOTSUPP (95) …"); empty when read
};

// One ASPM control of the adapter's PCIe link: /sys/bus/pci/devices/<dev>/link/l1_aspm → "l1".
struct AspmLinkState {
    std::string name;  // "l0s", "l1", "l1_1", "l1_2", "l1_1_pcipm", "l1_2_pcipm"
    bool enabled = false;
};

// A driver's advanced property as stored in the adapter's class key ("*EEE" REG_SZ "1").
struct DriverProperty {
    std::string name;
    std::string type;  // "REG_SZ", "REG_DWORD", …
    std::string value;
};

// The adapter's key under Control\Class\{4d36e972-e325-11ce-bfc1-08002be10318}, found by its
// NetCfgInstanceId.
struct WindowsAdapterPower {
    std::string class_key;                     // "0007"; empty when no key names the adapter
    std::optional<unsigned> pnp_capabilities;  // absent value: Windows' default (0)
    std::vector<DriverProperty> properties;    // the power-related advanced properties found
    std::string error;                         // why the key could not be found or read
};

struct LinkPower {
    std::optional<EeeState> eee;      // Linux adapters with a device behind them
    std::string pci_address;          // Linux PCI adapters: "0000:03:00.0"
    std::vector<AspmLinkState> aspm;  // empty when the kernel shows no link/ folder
    std::optional<WindowsAdapterPower> windows;
};

// The active Windows power plan (PowerGetActiveScheme) and its USB selective-suspend setting.
struct PowerPlan {
    std::string scheme_guid;
    std::string scheme_name;
    std::optional<unsigned> usb_selective_suspend_ac;  // 1 enabled, 0 disabled
    std::optional<unsigned> usb_selective_suspend_dc;
    std::string error;  // the failing call and its code; the plan is then undecided
};

struct HostPower {
    std::string aspm_policy;  // Linux: the selected pcie_aspm policy ("default", "powersave", …)
    std::string aspm_policy_error;
    std::optional<PowerPlan> plan;  // Windows
};

// PnPCapabilities bit 0x08 unticks "Allow the computer to turn off this device to save power"
// (Windows writes 24 or 280); 0, 256 and 272 leave it ticked. Empty when the key was not found.
std::optional<bool> windows_turn_off_allowed(const WindowsAdapterPower& power);
// A stored advanced property read as on/off ("1"/"0", any DWORD); empty when absent or not a
// number.
std::optional<bool> property_enabled(const WindowsAdapterPower& power, std::string_view name);
const DriverProperty* find_property(const WindowsAdapterPower& power, std::string_view name);
// Whether an advanced property's name is one netdiag reports (selective suspend, EEE, green
// Ethernet, power saving, sleep on disconnect).
bool is_power_property(std::string_view name);
// The bracketed entry of /sys/module/pcie_aspm/parameters/policy:
// "default performance [powersave] powersupersave" → "powersave"; empty when none is marked.
std::string selected_aspm_policy(std::string_view text);
// The ASPM states that are on, joined: "l1, l1_1"; empty when none.
std::string enabled_aspm_states(const std::vector<AspmLinkState>& states);

}  // namespace netdiag::platform
