// Reads a netdiag JSON report back into the report model, for `diff`, `merge` and `render`.
// read_report is a pure function from bytes to a report or one precise error, with bounds on
// size and nesting, so hostile or truncated files (and the fuzzer) get a message, never a crash.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "netdiag/model.hpp"

namespace netdiag {

inline constexpr std::size_t kMaxReportBytes = 64 * 1024 * 1024;
inline constexpr int kMaxReportDepth = 64;

struct LoadedReport {
    Report report;
    nlohmann::json timeline;  // a `netdiag watch` report's timeline; null when absent
};

struct ReportReadResult {
    std::optional<LoadedReport> loaded;
    std::string error;  // set when loaded is empty: what is wrong and where (a JSON pointer)
};

ReportReadResult read_report(std::string_view bytes);

// Reads the file and then read_report; errors start with "'PATH': ".
ReportReadResult load_report_file(const std::filesystem::path& path);

}  // namespace netdiag
