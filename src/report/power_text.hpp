// The link power facts of a report's host section in words, for the HTML host table: read
// from the JSON, so saved reports render the same ("EEE active · ASPM l1, l1_1").
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace netdiag {

// One interface's `power` object; empty when nothing was read or asked.
std::string interface_power_text(const nlohmann::json& power);
// The host's `power` object as rows (ASPM policy, power plan); empty when absent.
std::vector<std::pair<std::string, std::string>> host_power_rows(const nlohmann::json& power);

}  // namespace netdiag
