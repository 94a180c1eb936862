#include "report/report_reader.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

namespace netdiag {
namespace {
using nlohmann::json;

// Thrown inside this file only, caught in read_report: the first problem found ends the read.
struct ReadError {
    std::string message;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw ReadError{where.empty() ? what : where + ": " + what};
}

// The deepest nesting of arrays and objects, counted without parsing so a document nested
// thousands deep is refused before a recursive walk could exhaust the stack.
int nesting_depth(std::string_view bytes) {
    int depth = 0;
    int deepest = 0;
    bool in_string = false;
    bool escaped = false;
    for (const char c : bytes) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > kMaxReportDepth) return deepest;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

std::string type_name(const json& value) {
    return value.type_name();
}

const json& require(const json& object, const std::string& where, const char* key) {
    if (!object.contains(key)) fail(where, fmt::format("missing field \"{}\"", key));
    return object[key];
}

std::string child(const std::string& where, const std::string& key) {
    return where + "/" + key;
}

std::string read_string(const json& object, const std::string& where, const char* key,
                        std::optional<std::string> fallback = std::nullopt) {
    if (!object.contains(key) && fallback) return *fallback;
    const auto& value = require(object, where, key);
    if (!value.is_string()) {
        fail(child(where, key), fmt::format("expected a string, got {}", type_name(value)));
    }
    return value.get<std::string>();
}

std::chrono::milliseconds read_duration(const json& object, const std::string& where,
                                        const char* key) {
    const auto& value = require(object, where, key);
    if (!value.is_number_integer() || value.get<std::int64_t>() < 0) {
        fail(child(where, key),
             fmt::format("expected a non-negative integer, got {}", value.dump()));
    }
    return std::chrono::milliseconds(value.get<std::int64_t>());
}

bool read_bool(const json& object, const std::string& where, const char* key) {
    if (!object.contains(key)) return false;
    if (!object[key].is_boolean()) fail(child(where, key), "expected true or false");
    return object[key].get<bool>();
}

const json& read_array(const json& object, const std::string& where, const char* key) {
    const auto& value = require(object, where, key);
    if (!value.is_array()) {
        fail(child(where, key), fmt::format("expected an array, got {}", type_name(value)));
    }
    return value;
}

json read_object(const json& object, const std::string& where, const char* key) {
    if (!object.contains(key)) return json::object();
    if (!object[key].is_object()) {
        fail(child(where, key), fmt::format("expected an object, got {}", type_name(object[key])));
    }
    return object[key];
}

Finding read_finding(const json& value, const std::string& where) {
    if (!value.is_object())
        fail(where, fmt::format("expected an object, got {}", type_name(value)));
    Finding f;
    f.id = read_string(value, where, "id");
    if (!is_valid_finding_id(f.id)) {
        fail(child(where, "id"), fmt::format("\"{}\" is not a finding id (ND-AREA-NNN)", f.id));
    }
    const auto severity = read_string(value, where, "severity");
    const auto parsed = parse_severity(severity);
    if (!parsed) {
        fail(child(where, "severity"),
             fmt::format("expected info, warning or error, got \"{}\"", severity));
    }
    f.severity = *parsed;
    f.probe = read_string(value, where, "probe", "");
    f.title = read_string(value, where, "title");
    f.detail = read_string(value, where, "detail", "");
    f.evidence = read_object(value, where, "evidence");
    if (value.contains("remedy")) {
        const auto& remedy = read_array(value, where, "remedy");
        for (size_t i = 0; i < remedy.size(); ++i) {
            if (!remedy[i].is_string()) {
                fail(fmt::format("{}/remedy/{}", where, i), "expected a string");
            }
            f.remedy.push_back(remedy[i].get<std::string>());
        }
    }
    f.docs = read_string(value, where, "docs", finding_docs_path(f.id));
    return f;
}

ProbeResult read_probe(const json& value, const std::string& where) {
    if (!value.is_object())
        fail(where, fmt::format("expected an object, got {}", type_name(value)));
    ProbeResult p;
    p.probe = read_string(value, where, "id");
    if (p.probe.empty()) fail(child(where, "id"), "empty probe id");
    const auto status = read_string(value, where, "status");
    const auto parsed = parse_probe_status(status);
    if (!parsed) {
        fail(child(where, "status"),
             fmt::format("expected pass, warn, fail, skip or error, got \"{}\"", status));
    }
    p.status = *parsed;
    p.reason = read_string(value, where, "reason", "");
    p.duration = read_duration(value, where, "duration_ms");
    // Reports written before probes ran side by side have neither.
    if (value.contains("started_ms")) p.started_after = read_duration(value, where, "started_ms");
    if (value.contains("gate_wait_ms")) p.gate_wait = read_duration(value, where, "gate_wait_ms");
    const auto& findings = read_array(value, where, "findings");
    for (size_t i = 0; i < findings.size(); ++i) {
        p.findings.push_back(read_finding(findings[i], fmt::format("{}/findings/{}", where, i)));
        if (p.findings.back().probe.empty()) p.findings.back().probe = p.probe;
    }
    p.measurements = read_object(value, where, "measurements");
    return p;
}

LoadedReport read_document(const json& document) {
    if (!document.is_object()) {
        fail("", fmt::format("not a netdiag report: the document is {}, not an object",
                             type_name(document)));
    }
    if (!document.contains("schema")) fail("", "not a netdiag report: no \"schema\" field");
    if (!document["schema"].is_string()) fail("/schema", "expected a string");
    const auto schema = document["schema"].get<std::string>();
    if (schema != kReportSchemaId) {
        if (schema.rfind("netdiag.report/", 0) == 0) {
            fail("", fmt::format("unsupported report schema \"{}\" (this netdiag reads \"{}\")",
                                 schema, kReportSchemaId));
        }
        fail("", fmt::format("not a netdiag report: schema is \"{}\"", schema));
    }
    LoadedReport loaded;
    auto& r = loaded.report;
    const auto tool = read_object(document, "", "tool");
    r.tool.version = read_string(tool, "/tool", "version", "");
    r.tool.git_commit = read_string(tool, "/tool", "git_commit", "");
    r.started_at = read_string(document, "", "started_at", "");
    r.duration = document.contains("duration_ms") ? read_duration(document, "", "duration_ms")
                                                  : std::chrono::milliseconds(0);
    r.redacted = read_bool(document, "", "redacted");
    r.interrupted = read_bool(document, "", "interrupted");
    r.host = read_object(document, "", "host");
    const auto& probes = read_array(document, "", "probes");
    for (size_t i = 0; i < probes.size(); ++i) {
        r.probes.push_back(read_probe(probes[i], fmt::format("/probes/{}", i)));
    }
    if (document.contains("timeline")) loaded.timeline = document["timeline"];
    return loaded;
}

}  // namespace

ReportReadResult read_report(std::string_view bytes) {
    ReportReadResult result;
    if (bytes.size() > kMaxReportBytes) {
        result.error =
            fmt::format("report is {} bytes; the limit is {} bytes", bytes.size(), kMaxReportBytes);
        return result;
    }
    if (nesting_depth(bytes) > kMaxReportDepth) {
        result.error =
            fmt::format("not a netdiag report: nested deeper than {} levels", kMaxReportDepth);
        return result;
    }
    json document;
    try {
        document = json::parse(bytes.begin(), bytes.end());
    } catch (const json::parse_error& e) {
        result.error = fmt::format("not JSON: syntax error at byte {}", e.byte);
        return result;
    } catch (const json::exception& e) {
        // e.g. a number too large for a double: valid syntax, unusable value.
        result.error = fmt::format("not usable JSON: {}", e.what());
        return result;
    }
    try {
        result.loaded = read_document(document);
    } catch (const ReadError& e) {
        result.error = e.message;
    } catch (const json::exception& e) {
        // A type the checks above did not foresee; still a message, not a crash.
        result.error = fmt::format("unexpected content: {}", e.what());
    }
    return result;
}

ReportReadResult load_report_file(const std::filesystem::path& path) {
    ReportReadResult result;
    const auto name = path.string();
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        result.error = fmt::format("'{}': is a folder, not a report file", name);
        return result;
    }
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        result.error = fmt::format("'{}': cannot open: {}", name,
                                   errno != 0 ? std::strerror(errno) : "unknown error");
        return result;
    }
    // Read at most one byte past the limit: enough to tell a too-large file without holding it.
    std::string bytes;
    char buffer[64 * 1024];
    while (in && bytes.size() <= kMaxReportBytes) {
        in.read(buffer, sizeof buffer);
        bytes.append(buffer, static_cast<size_t>(in.gcount()));
    }
    if (in.bad()) {
        result.error = fmt::format("'{}': read error", name);
        return result;
    }
    result = read_report(bytes);
    if (!result.loaded) result.error = fmt::format("'{}': {}", name, result.error);
    return result;
}

}  // namespace netdiag
