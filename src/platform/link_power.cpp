// The portable half of the link power facts: how stored values read, and their JSON shape.
#include "netdiag/link_power.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "netdiag/platform.hpp"

namespace netdiag::platform {
namespace {

constexpr unsigned kPnpDisablePowerOff = 0x08;

bool contains_nocase(std::string_view text, std::string_view part) {
    const auto it =
        std::search(text.begin(), text.end(), part.begin(), part.end(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
        });
    return it != text.end();
}

nlohmann::json optional_json(const std::optional<bool>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json optional_json(const std::optional<unsigned>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

std::optional<bool> windows_turn_off_allowed(const WindowsAdapterPower& power) {
    if (power.class_key.empty()) return std::nullopt;
    return (power.pnp_capabilities.value_or(0) & kPnpDisablePowerOff) == 0;
}

const DriverProperty* find_property(const WindowsAdapterPower& power, std::string_view name) {
    for (const auto& p : power.properties) {
        if (p.name.size() == name.size() && contains_nocase(p.name, name)) return &p;
    }
    return nullptr;
}

std::optional<bool> property_enabled(const WindowsAdapterPower& power, std::string_view name) {
    const auto* p = find_property(power, name);
    if (p == nullptr || p->value.empty()) return std::nullopt;
    if (!std::all_of(p->value.begin(), p->value.end(),
                     [](unsigned char c) { return std::isdigit(c) != 0; })) {
        return std::nullopt;
    }
    return p->value.find_first_not_of('0') != std::string::npos;
}

bool is_power_property(std::string_view name) {
    // Standardised keywords start with '*'; vendors' own names vary, so match their kStems.
    static constexpr std::array<std::string_view, 8> kStems = {
        "SelectiveSuspend", "SSIdleTimeout",     "EEE",    "GreenEthernet", "PowerSaving",
        "PowerDown",        "SleepOnDisconnect", "ULPMode"};
    return std::any_of(kStems.begin(), kStems.end(),
                       [&](std::string_view stem) { return contains_nocase(name, stem); });
}

std::string selected_aspm_policy(std::string_view text) {
    const auto open = text.find('[');
    const auto close = text.find(']', open == std::string_view::npos ? 0 : open);
    if (open == std::string_view::npos || close == std::string_view::npos) return {};
    return std::string(text.substr(open + 1, close - open - 1));
}

std::string enabled_aspm_states(const std::vector<AspmLinkState>& states) {
    std::string out;
    for (const auto& s : states) {
        if (!s.enabled) continue;
        if (!out.empty()) out += ", ";
        out += s.name;
    }
    return out;
}

nlohmann::json to_json(const LinkPower& power) {
    nlohmann::json j = {{"eee", nullptr},
                        {"pci_address", power.pci_address},
                        {"aspm", nlohmann::json::object()},
                        {"windows", nullptr}};
    if (power.eee) {
        j["eee"] = {{"enabled", optional_json(power.eee->enabled)},
                    {"active", optional_json(power.eee->active)},
                    {"source", power.eee->source},
                    {"error", power.eee->error}};
    }
    for (const auto& s : power.aspm) j["aspm"][s.name] = s.enabled;
    if (power.windows) {
        const auto& w = *power.windows;
        auto properties = nlohmann::json::array();
        for (const auto& p : w.properties) {
            properties.push_back({{"name", p.name}, {"type", p.type}, {"value", p.value}});
        }
        j["windows"] = {{"class_key", w.class_key},
                        {"pnp_capabilities", optional_json(w.pnp_capabilities)},
                        {"turn_off_allowed", optional_json(windows_turn_off_allowed(w))},
                        {"properties", std::move(properties)},
                        {"error", w.error}};
    }
    return j;
}

nlohmann::json to_json(const HostPower& power) {
    nlohmann::json j = {{"aspm_policy", power.aspm_policy},
                        {"aspm_policy_error", power.aspm_policy_error},
                        {"plan", nullptr}};
    if (power.plan) {
        const auto& p = *power.plan;
        j["plan"] = {{"scheme_guid", p.scheme_guid},
                     {"scheme_name", p.scheme_name},
                     {"usb_selective_suspend_ac", optional_json(p.usb_selective_suspend_ac)},
                     {"usb_selective_suspend_dc", optional_json(p.usb_selective_suspend_dc)},
                     {"error", p.error}};
    }
    return j;
}

}  // namespace netdiag::platform
