// Lookups in a parsed report: the element of a JSON array whose field has a given value (a
// finding by id, a measured path by name).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace netdiag::test {

// The first element of `array` whose `field` equals `value`; null when there is none or when
// `array` is not an array.
inline const nlohmann::json* find_by(const nlohmann::json& array, std::string_view field,
                                     const std::string& value) {
    if (!array.is_array()) return nullptr;
    for (const auto& element : array) {
        const auto it = element.find(field);
        if (it != element.end() && *it == value) return &element;
    }
    return nullptr;
}

}  // namespace netdiag::test
