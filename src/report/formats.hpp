// The report formats `netdiag probe --format` can write, and one entry point to render any of
// them, so the CLI needs no knowledge of the individual writers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netdiag/model.hpp"

namespace netdiag {

enum class ReportFormat { text, json, junit, sarif, html, openmetrics };

std::string_view to_string(ReportFormat format);
std::optional<ReportFormat> parse_report_format(std::string_view name);
std::vector<std::string> report_format_names();

struct RenderOptions {
    // JUnit: findings at or above this severity are test failures (the same rule as the exit
    // status), lower ones are passing cases that carry the finding as output.
    Severity fail_on = Severity::error;
    // HTML: the `timeline` of a `netdiag watch` report (kept beside the Report); null: none.
    nlohmann::json timeline;
};

// The whole document; text is rendered without colour (files and pipes).
std::string render_report(const Report& report, ReportFormat format,
                          const RenderOptions& options = {});

std::string render_junit(const Report& report, const RenderOptions& options);
std::string render_sarif(const Report& report);
// timeline: as in RenderOptions; when null, a top-level "timeline" in to_json(report) is used.
std::string render_html(const Report& report, const nlohmann::json& timeline = nullptr);
// Prometheus text exposition that is also OpenMetrics text (docs/metrics.md).
std::string render_openmetrics(const Report& report);

}  // namespace netdiag
