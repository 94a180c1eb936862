// SARIF 2.1.0 (OASIS), the format code-scanning dashboards import. One run; tool.driver holds
// one rule per finding id netdiag can report for the probes in the report, with the finding's
// page as help. wasi-af findings point into the module (file + byte offset); the others are
// about the host, so they carry a logical location: the probe, and the interface where known.
#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "report/finding_catalog.hpp"
#include "report/formats.hpp"
#include "report/markup.hpp"

namespace netdiag {
namespace {
using nlohmann::json;

std::string_view sarif_level(Severity severity) {
    switch (severity) {
        case Severity::error:
            return "error";
        case Severity::warning:
            return "warning";
        case Severity::info:
            return "note";
    }
    return "note";
}

// "Batched UDP send path is rejected" -> "BatchedUdpSendPathIsRejected": SARIF rule names are
// identifiers a viewer can show next to the id.
std::string rule_name(std::string_view title) {
    std::string name;
    bool upper = true;
    for (const char c : title) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
            upper = false;
        } else {
            upper = true;
        }
    }
    return name;
}

json rule_for(const std::string& id, const std::string& probe, const Finding* example) {
    const auto d = describe_finding(id);
    const auto title = !d.title.empty() ? d.title : (example ? example->title : id);
    json rule = {{"id", id},
                 {"name", rule_name(title)},
                 {"shortDescription", {{"text", valid_utf8(title)}}},
                 {"fullDescription", {{"text", valid_utf8(d.meaning.empty() ? title : d.meaning)}}},
                 {"properties", {{"probe", probe}, {"docs", finding_docs_path(id)}}}};
    if (!d.page.empty()) {
        // Viewers show the Markdown; plain-text consumers get the meaning and where to read on.
        rule["help"] = {
            {"text", valid_utf8(fmt::format("{}\n\nFull page: netdiag explain {}",
                                            d.meaning.empty() ? title : d.meaning, id))},
            {"markdown", valid_utf8(d.page)}};
    }
    if (d.severity) {
        rule["defaultConfiguration"] = {{"level", sarif_level(*d.severity)}};
    }
    return rule;
}

// A file path as a URI reference: absolute POSIX and Windows paths become file: URIs, relative
// ones stay relative; characters outside the URI grammar are percent-encoded.
std::string path_to_uri(std::string path) {
    std::replace(path.begin(), path.end(), '\\', '/');
    const bool windows_drive =
        path.size() >= 2 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':';
    std::string encoded;
    for (size_t i = 0; i < path.size(); ++i) {
        const char c = path[i];
        const auto u = static_cast<unsigned char>(c);
        // ':' only stays as a drive letter's; elsewhere "a:b.wasm" would read as a URI scheme.
        if (std::isalnum(u) || (c == ':' && windows_drive && i == 1) ||
            std::string_view("-._~/@!$&'()*+,;=").find(c) != std::string_view::npos) {
            encoded += c;
        } else {
            encoded += fmt::format("%{:02X}", u);
        }
    }
    if (windows_drive) return "file:///" + encoded;
    if (!encoded.empty() && encoded.front() == '/') return "file://" + encoded;
    return encoded;
}

std::optional<std::uint64_t> parse_offset(const json& value) {
    if (value.is_number_unsigned()) return value.get<std::uint64_t>();
    if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
        return static_cast<std::uint64_t>(value.get<std::int64_t>());
    }
    if (!value.is_string()) return std::nullopt;
    const auto text = value.get<std::string>();
    try {
        size_t used = 0;
        const auto parsed = std::stoull(text, &used, 0);  // "0x5f" or "95"
        if (used == text.size()) return parsed;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

std::string evidence_string(const Finding& f, const char* key) {
    if (!f.evidence.is_object() || !f.evidence.contains(key)) return {};
    const auto& v = f.evidence[key];
    return v.is_string() ? v.get<std::string>() : v.dump();
}

json physical_location(const Finding& f) {
    json location = {{"artifactLocation", {{"uri", path_to_uri(evidence_string(f, "file"))}}}};
    json region = json::object();
    if (f.evidence.contains("offset")) {
        if (const auto offset = parse_offset(f.evidence["offset"])) region["byteOffset"] = *offset;
    }
    if (f.evidence.contains("line") && f.evidence["line"].is_number_integer() &&
        f.evidence["line"].get<std::int64_t>() >= 1) {
        region["startLine"] = f.evidence["line"];
    }
    if (!region.empty()) location["region"] = region;
    return location;
}

json locations_for(const Finding& f) {
    json location = json::object();
    json logical = json::array();
    const auto function = evidence_string(f, "function");
    if (!evidence_string(f, "file").empty()) {
        location["physicalLocation"] = physical_location(f);
        if (!function.empty()) {
            logical.push_back({{"name", valid_utf8(function)}, {"kind", "function"}});
        }
    } else {
        const auto interface = evidence_string(f, "interface");
        const auto probe = f.probe.empty() ? std::string("netdiag") : f.probe;
        if (interface.empty()) {
            logical.push_back({{"name", probe}, {"kind", "module"}});
        } else {
            logical.push_back({{"name", valid_utf8(interface)},
                               {"fullyQualifiedName", valid_utf8(probe + "/" + interface)},
                               {"kind", "resource"}});
        }
    }
    if (!logical.empty()) location["logicalLocations"] = logical;
    return json::array({location});
}

json result_for(const Finding& f, size_t rule_index) {
    std::string message = f.title;
    if (!f.detail.empty()) message += ". " + f.detail;
    json properties = {{"probe", f.probe}, {"remedy", f.remedy}};
    if (f.evidence.is_object()) properties["evidence"] = f.evidence;
    return {{"ruleId", f.id},
            {"ruleIndex", rule_index},
            {"level", sarif_level(f.severity)},
            {"message", {{"text", valid_utf8(message)}}},
            {"locations", locations_for(f)},
            {"properties", properties}};
}

}  // namespace

std::string render_sarif(const Report& report) {
    json rules = json::array();
    std::map<std::string, size_t> rule_index;
    auto add_rule = [&](const std::string& id, const std::string& probe, const Finding* example) {
        if (rule_index.count(id) != 0) return;
        rule_index[id] = rules.size();
        rules.push_back(rule_for(id, probe, example));
    };
    for (const auto& probe : report.probes) {
        for (const auto& id : catalog_finding_ids(probe.probe)) add_rule(id, probe.probe, nullptr);
        for (const auto& f : probe.findings) add_rule(f.id, probe.probe, &f);
    }

    json results = json::array();
    json notifications = json::array();
    bool every_probe_ran = true;
    for (const auto& probe : report.probes) {
        for (const auto& f : probe.findings) results.push_back(result_for(f, rule_index[f.id]));
        if (probe.status == ProbeStatus::error) {
            every_probe_ran = false;
            notifications.push_back(
                {{"level", "error"},
                 {"message", {{"text", valid_utf8(probe.probe + ": " + probe.reason)}}}});
        }
    }

    json driver = {{"name", "netdiag"},
                   {"version", report.tool.version},
                   {"semanticVersion", report.tool.version},
                   {"rules", rules}};
    json invocation = {{"executionSuccessful", every_probe_ran && !report.interrupted}};
    if (!report.started_at.empty()) invocation["startTimeUtc"] = report.started_at;
    if (!notifications.empty()) invocation["toolExecutionNotifications"] = notifications;

    json probe_status = json::object();
    for (const auto& probe : report.probes) probe_status[probe.probe] = to_string(probe.status);
    json run = {{"tool", {{"driver", driver}}},
                {"invocations", json::array({invocation})},
                {"results", results},
                {"properties",
                 {{"schema", report.schema},
                  {"redacted", report.redacted},
                  {"probeStatus", probe_status},
                  {"host", report.host.value("facts", json::object())}}}};
    const json log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                      {"version", "2.1.0"},
                      {"runs", json::array({run})}};
    return log.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace netdiag
