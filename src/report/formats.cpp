#include "report/formats.hpp"

#include "core/writers.hpp"

namespace netdiag {
namespace {

constexpr ReportFormat kAllFormats[] = {ReportFormat::text,  ReportFormat::json,
                                        ReportFormat::junit, ReportFormat::sarif,
                                        ReportFormat::html,  ReportFormat::openmetrics};

}  // namespace

std::string_view to_string(ReportFormat format) {
    switch (format) {
        case ReportFormat::text:
            return "text";
        case ReportFormat::json:
            return "json";
        case ReportFormat::junit:
            return "junit";
        case ReportFormat::sarif:
            return "sarif";
        case ReportFormat::html:
            return "html";
        case ReportFormat::openmetrics:
            return "openmetrics";
    }
    return "text";
}

std::optional<ReportFormat> parse_report_format(std::string_view name) {
    for (const auto format : kAllFormats) {
        if (to_string(format) == name) return format;
    }
    return std::nullopt;
}

std::vector<std::string> report_format_names() {
    std::vector<std::string> names;
    for (const auto format : kAllFormats) names.emplace_back(to_string(format));
    return names;
}

std::string render_report(const Report& report, ReportFormat format, const RenderOptions& options) {
    switch (format) {
        case ReportFormat::text:
            return render_text(report, TextStyle{false});
        case ReportFormat::json:
            return render_json(report);
        case ReportFormat::junit:
            return render_junit(report, options);
        case ReportFormat::sarif:
            return render_sarif(report);
        case ReportFormat::html:
            return render_html(report, options.timeline);
        case ReportFormat::openmetrics:
            return render_openmetrics(report);
    }
    return render_text(report, TextStyle{false});
}

}  // namespace netdiag
