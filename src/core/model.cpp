#include "netdiag/model.hpp"

#include <algorithm>
#include <cctype>

namespace netdiag {

std::string_view to_string(Severity severity) {
    switch (severity) {
        case Severity::info:
            return "info";
        case Severity::warning:
            return "warning";
        case Severity::error:
            return "error";
    }
    return "error";
}

std::string_view to_string(ProbeStatus status) {
    switch (status) {
        case ProbeStatus::pass:
            return "pass";
        case ProbeStatus::warn:
            return "warn";
        case ProbeStatus::fail:
            return "fail";
        case ProbeStatus::skip:
            return "skip";
        case ProbeStatus::error:
            return "error";
    }
    return "error";
}

std::optional<Severity> parse_severity(std::string_view text) {
    for (auto s : {Severity::info, Severity::warning, Severity::error}) {
        if (to_string(s) == text) return s;
    }
    return std::nullopt;
}

std::optional<ProbeStatus> parse_probe_status(std::string_view text) {
    for (auto s : {ProbeStatus::pass, ProbeStatus::warn, ProbeStatus::fail, ProbeStatus::skip,
                   ProbeStatus::error}) {
        if (to_string(s) == text) return s;
    }
    return std::nullopt;
}

std::string finding_docs_path(std::string_view id) {
    return "docs/findings/" + std::string(id) + ".md";
}

Finding FindingFactory::operator()(std::string_view id, Severity severity, std::string title,
                                   std::string detail, nlohmann::json evidence,
                                   std::vector<std::string> remedy) const {
    Finding f;
    f.id = std::string(id);
    f.severity = severity;
    f.probe = std::string(probe_);
    f.title = std::move(title);
    f.detail = std::move(detail);
    f.evidence = std::move(evidence);
    f.remedy = std::move(remedy);
    f.docs = finding_docs_path(id);
    return f;
}

bool is_valid_finding_id(std::string_view id) {
    // ND-<AREA>-<NNN>: AREA is 2..8 upper-case letters or digits, NNN exactly three digits.
    if (id.size() < 9 || id.substr(0, 3) != "ND-") return false;
    const auto rest = id.substr(3);
    const auto dash = rest.find('-');
    if (dash == std::string_view::npos || dash < 2 || dash > 8) return false;
    const auto area = rest.substr(0, dash);
    const auto number = rest.substr(dash + 1);
    const bool area_ok = std::all_of(area.begin(), area.end(), [](char c) {
        return std::isupper(static_cast<unsigned char>(c)) ||
               std::isdigit(static_cast<unsigned char>(c));
    });
    const bool number_ok =
        number.size() == 3 && std::all_of(number.begin(), number.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
        });
    return area_ok && number_ok;
}

ProbeStatus status_from_findings(const std::vector<Finding>& findings) {
    auto status = ProbeStatus::pass;
    for (const auto& f : findings) {
        if (f.severity == Severity::error) return ProbeStatus::fail;
        if (f.severity == Severity::warning) status = ProbeStatus::warn;
    }
    return status;
}

SummaryCounts Report::summary() const {
    SummaryCounts counts;
    for (const auto& p : probes) {
        ++counts.probes;
        switch (p.status) {
            case ProbeStatus::pass:
                ++counts.pass;
                break;
            case ProbeStatus::warn:
                ++counts.warn;
                break;
            case ProbeStatus::fail:
                ++counts.fail;
                break;
            case ProbeStatus::skip:
                ++counts.skip;
                break;
            case ProbeStatus::error:
                ++counts.error;
                break;
        }
        for (const auto& f : p.findings) {
            switch (f.severity) {
                case Severity::info:
                    ++counts.findings_info;
                    break;
                case Severity::warning:
                    ++counts.findings_warning;
                    break;
                case Severity::error:
                    ++counts.findings_error;
                    break;
            }
        }
    }
    return counts;
}

std::optional<Severity> Report::worst_severity() const {
    std::optional<Severity> worst;
    for (const auto& p : probes) {
        for (const auto& f : p.findings) {
            if (!worst || static_cast<int>(f.severity) > static_cast<int>(*worst)) {
                worst = f.severity;
            }
        }
    }
    return worst;
}

nlohmann::json to_json(const Finding& f) {
    return {{"id", f.id},
            {"severity", to_string(f.severity)},
            {"probe", f.probe},
            {"title", f.title},
            {"detail", f.detail},
            {"evidence", f.evidence.is_object() ? f.evidence : nlohmann::json::object()},
            {"remedy", f.remedy},
            {"docs", f.docs.empty() ? finding_docs_path(f.id) : f.docs}};
}

nlohmann::json to_json(const ProbeResult& r) {
    auto findings = nlohmann::json::array();
    for (const auto& f : r.findings) findings.push_back(to_json(f));
    return {
        {"id", r.probe},
        {"status", to_string(r.status)},
        {"reason", r.reason},
        {"duration_ms", r.duration.count()},
        {"started_ms", r.started_after.count()},
        {"gate_wait_ms", r.gate_wait.count()},
        {"findings", std::move(findings)},
        {"measurements", r.measurements.is_object() ? r.measurements : nlohmann::json::object()}};
}

nlohmann::json to_json(const Report& report) {
    const auto counts = report.summary();
    auto probes = nlohmann::json::array();
    for (const auto& p : report.probes) probes.push_back(to_json(p));
    return {
        {"schema", report.schema},
        {"tool",
         {{"name", report.tool.name},
          {"version", report.tool.version},
          {"git_commit", report.tool.git_commit}}},
        {"started_at", report.started_at},
        {"duration_ms", report.duration.count()},
        {"redacted", report.redacted},
        {"interrupted", report.interrupted},
        {"host", report.host},
        {"probes", std::move(probes)},
        {"summary",
         {{"probes", counts.probes},
          {"pass", counts.pass},
          {"warn", counts.warn},
          {"fail", counts.fail},
          {"skip", counts.skip},
          {"error", counts.error},
          {"findings",
           {{"info", counts.findings_info},
            {"warning", counts.findings_warning},
            {"error", counts.findings_error}}}}},
    };
}

}  // namespace netdiag
