// Reading a report's measurements without trusting their shape: a report may come from an
// older or newer netdiag, so a missing or mistyped field reads as absent, never as an error.
// Shared by the chart data (src/report/chart_data.cpp and the probes' chart hooks).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace netdiag::measurement {

// object[key], or null when the object is not one or lacks the key.
inline const nlohmann::json& member(const nlohmann::json& object, const char* key) {
    static const nlohmann::json null;
    return object.is_object() && object.contains(key) ? object[key] : null;
}

// A string as itself, null as empty, anything else as its JSON text.
inline std::string text_of(const nlohmann::json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_null()) return {};
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline std::optional<double> number_of(const nlohmann::json& value) {
    if (value.is_number()) return value.get<double>();
    return std::nullopt;
}

}  // namespace netdiag::measurement
