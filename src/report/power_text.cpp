#include "report/power_text.hpp"

#include <fmt/format.h>

namespace netdiag {
namespace {
using nlohmann::json;

std::string string_field(const json& object, const char* key) {
    if (!object.is_object()) return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::string yes_no_field(const json& object, const char* key) {
    if (!object.is_object()) return "unknown";
    const auto it = object.find(key);
    if (it == object.end() || !it->is_boolean()) return "unknown";
    return it->get<bool>() ? "yes" : "no";
}

std::string number_or(const json& object, const char* key, const char* otherwise) {
    if (!object.is_object()) return otherwise;
    const auto it = object.find(key);
    return it != object.end() && it->is_number_unsigned() ? std::to_string(it->get<unsigned>())
                                                          : std::string(otherwise);
}

void add(std::string& out, const std::string& part) {
    if (part.empty()) return;
    if (!out.empty()) out += " · ";
    out += part;
}

std::string eee_text(const json& eee) {
    if (!eee.is_object()) return {};
    const auto error = string_field(eee, "error");
    if (!error.empty()) return "EEE unknown (" + error + ")";
    const auto active = yes_no_field(eee, "active");
    if (active == "yes") return "EEE active";
    return fmt::format("EEE {}",
                       yes_no_field(eee, "enabled") == "yes" ? "enabled, not active" : "off");
}

std::string aspm_text(const json& aspm) {
    if (!aspm.is_object() || aspm.empty()) return {};
    std::string on;
    for (const auto& [name, value] : aspm.items()) {
        if (!value.is_boolean() || !value.get<bool>()) continue;
        if (!on.empty()) on += ", ";
        on += name;
    }
    return on.empty() ? "ASPM off" : "ASPM " + on;
}

std::string windows_text(const json& w) {
    if (!w.is_object()) return {};
    if (string_field(w, "class_key").empty()) {
        const auto error = string_field(w, "error");
        return "power settings unknown" + (error.empty() ? "" : " (" + error + ")");
    }
    std::string out = fmt::format("class key {}: turn-off allowed {} (PnPCapabilities {})",
                                  string_field(w, "class_key"), yes_no_field(w, "turn_off_allowed"),
                                  number_or(w, "pnp_capabilities", "absent"));
    if (w.contains("properties") && w["properties"].is_array()) {
        for (const auto& p : w["properties"]) {
            add(out, fmt::format("{}={}", string_field(p, "name"), string_field(p, "value")));
        }
    }
    return out;
}

}  // namespace

std::string interface_power_text(const json& power) {
    if (!power.is_object()) return {};
    std::string out;
    add(out, eee_text(power.value("eee", json())));
    add(out, aspm_text(power.value("aspm", json())));
    add(out, windows_text(power.value("windows", json())));
    return out;
}

std::vector<std::pair<std::string, std::string>> host_power_rows(const json& power) {
    std::vector<std::pair<std::string, std::string>> rows;
    if (!power.is_object()) return rows;
    const auto policy = string_field(power, "aspm_policy");
    const auto policy_error = string_field(power, "aspm_policy_error");
    if (!policy.empty() || !policy_error.empty()) {
        rows.emplace_back("PCIe ASPM policy",
                          policy.empty() ? "unknown (" + policy_error + ")" : policy);
    }
    const auto plan = power.value("plan", json());
    if (plan.is_object()) {
        const auto error = string_field(plan, "error");
        const auto guid = string_field(plan, "scheme_guid");
        std::string value;
        if (!guid.empty()) {
            const auto name = string_field(plan, "scheme_name");
            value = (name.empty() ? guid : name + " (" + guid + ")") +
                    fmt::format("; USB selective suspend: AC {}, DC {}",
                                number_or(plan, "usb_selective_suspend_ac", "unknown"),
                                number_or(plan, "usb_selective_suspend_dc", "unknown"));
        }
        if (!error.empty()) value += (value.empty() ? "unknown (" : " (") + error + ")";
        rows.emplace_back("power plan", value);
    }
    return rows;
}

}  // namespace netdiag
