// The shape of a report: what a change to netdiag's structure must keep. For each probe its
// status, the findings it made (id, severity and the fields of their evidence) and the fields
// of its measurements; values that depend on the moment or the host (timings, counts,
// addresses) are left out. Shapes are recorded in tests/fixtures/report-shapes/, one file a
// case, and compared by report_shape_test.cpp.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace netdiag::testing {

// Every field path under `value` ("/a/b"); the elements of an array share one path ("/a/[]/c"),
// so the shape does not depend on how many there are.
inline void collect_field_paths(const nlohmann::json& value, const std::string& at,
                                std::set<std::string>& paths) {
    if (value.is_object()) {
        for (const auto& [key, member] : value.items()) {
            paths.insert(at + "/" + key);
            collect_field_paths(member, at + "/" + key, paths);
        }
    } else if (value.is_array()) {
        for (const auto& element : value) collect_field_paths(element, at + "/[]", paths);
    }
}

inline std::vector<std::string> field_paths(const nlohmann::json& value) {
    std::set<std::string> paths;
    collect_field_paths(value, "", paths);
    return {paths.begin(), paths.end()};
}

inline nlohmann::json probe_shape(const nlohmann::json& probe) {
    std::vector<std::string> findings;
    for (const auto& finding : probe.value("findings", nlohmann::json::array())) {
        std::string line = finding.value("id", "?") + " " + finding.value("severity", "?");
        for (const auto& path : field_paths(finding.value("evidence", nlohmann::json::object())))
            line += " " + path;
        findings.push_back(line);
    }
    std::sort(findings.begin(), findings.end());
    std::vector<std::string> fields;
    for (const auto& [key, member] : probe.items()) fields.push_back(key);
    return {{"status", probe.value("status", "?")},
            {"fields", fields},
            {"findings", findings},
            {"measurements", field_paths(probe.value("measurements", nlohmann::json::object()))}};
}

inline nlohmann::json report_shape(const nlohmann::json& report) {
    nlohmann::json shape;
    std::vector<std::string> fields;
    for (const auto& [key, member] : report.items()) fields.push_back(key);
    shape["fields"] = fields;
    shape["probes"] = nlohmann::json::object();
    for (const auto& probe : report.value("probes", nlohmann::json::array()))
        shape["probes"][probe.value("id", "?")] = probe_shape(probe);
    return shape;
}

inline std::filesystem::path recorded_shape_path(const std::string& case_name) {
    return std::filesystem::path(NETDIAG_SOURCE_DIR) / "tests/fixtures/report-shapes" /
           (case_name + ".json");
}

// NETDIAG_RECORD_REPORT_SHAPES=1 writes the shapes instead of comparing them: done once, on
// purpose, when a probe's fields or findings change (the diff shows what changed).
inline bool recording_shapes() {
    const char* value = std::getenv("NETDIAG_RECORD_REPORT_SHAPES");
    return value != nullptr && std::string(value) == "1";
}

inline void record_shape(const std::string& case_name, const nlohmann::json& shape) {
    const auto path = recorded_shape_path(case_name);
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << shape.dump(2) << '\n';
}

// The recorded shape, or null when there is none.
inline nlohmann::json recorded_shape(const std::string& case_name) {
    std::ifstream in(recorded_shape_path(case_name));
    if (!in) return nullptr;
    return nlohmann::json::parse(in, nullptr, false);
}

}  // namespace netdiag::testing
