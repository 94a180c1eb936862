// Link power facts from sysfs: the PCIe ASPM policy, the adapter's own link states, and
// recorded EEE replies under a fixture root. Pure file reading, built on every platform.
#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "platform/portable/ethtool_eee.hpp"
#include "platform/portable/sysfs_reader.hpp"

namespace netdiag::platform::linux_fs {
namespace fs = std::filesystem;

namespace {

// "l1_aspm" → "l1"; "l1_2_pcipm" stays (PCI-PM substates are a control of their own).
std::string aspm_state_name(const std::string& file) {
    const std::string suffix = "_aspm";
    if (file.size() > suffix.size() &&
        file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return file.substr(0, file.size() - suffix.size());
    }
    return file;
}

}  // namespace

void SysfsReader::fill_pci_power(NetInterface& iface, const fs::path& device) {
    // Only a PCI function ("0000:03:00.0") has a link of its own; a virtio device under a PCI
    // parent does not.
    static const std::regex pci_address(R"([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])");
    const auto name = device.filename().string();
    if (!std::regex_match(name, pci_address)) return;
    iface.power.pci_address = name;
    std::error_code ec;
    fs::directory_iterator it(device / "link", ec);
    if (ec) return;  // kernels before 5.5, or no ASPM support: nothing to show
    for (const auto& entry : it) {
        const auto file = entry.path().filename().string();
        if (file.find("aspm") == std::string::npos && file.find("pcipm") == std::string::npos) {
            continue;
        }
        std::ifstream in(entry.path());
        int value = 0;
        if (in >> value) iface.power.aspm.push_back({aspm_state_name(file), value != 0});
    }
    std::sort(iface.power.aspm.begin(), iface.power.aspm.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
}

HostPower SysfsReader::host_power() const {
    HostPower power;
    const auto text = read_text("/sys/module/pcie_aspm/parameters/policy");
    if (!text) {
        power.aspm_policy_error =
            "/sys/module/pcie_aspm/parameters/policy is not readable (a kernel without ASPM "
            "support, or no PCIe)";
        return power;
    }
    power.aspm_policy = selected_aspm_policy(*text);
    if (power.aspm_policy.empty()) power.aspm_policy_error = "no policy marked in: " + *text;
    return power;
}

std::optional<EeeState> SysfsReader::recorded_eee(const std::string& interface) const {
    const auto text = read_text(fs::path("/netdiag-recorded/ethtool-eee") / (interface + ".hex"));
    if (!text) return std::nullopt;
    EeeState state;
    state.source = "recorded";
    const auto bytes = bytes_from_hex(*text);
    if (!bytes) {
        state.error = "recorded reply is not hex text";
        return state;
    }
    const auto reply = parse_eee_reply(*bytes);
    state.enabled = reply.enabled;
    state.active = reply.active;
    if (reply.error != 0) {
        state.error = eee_error_text(reply.error);
    } else if (!reply.malformed.empty()) {
        state.error = "recorded reply: " + reply.malformed;
    }
    return state;
}

}  // namespace netdiag::platform::linux_fs
