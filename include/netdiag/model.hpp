// The report model: findings, probe results and the report itself.
// Plain data; writers in src/core render it, probes fill it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace netdiag {

enum class Severity { info, warning, error };
enum class ProbeStatus { pass, warn, fail, skip, error };

std::string_view to_string(Severity severity);
std::string_view to_string(ProbeStatus status);
std::optional<Severity> parse_severity(std::string_view text);
std::optional<ProbeStatus> parse_probe_status(std::string_view text);

// One thing wrong (or worth knowing) about the host. Ids are ND-<AREA>-<NNN> and never change
// meaning once published.
struct Finding {
    std::string id;
    Severity severity = Severity::info;
    std::string probe;
    std::string title;
    std::string detail;
    nlohmann::json evidence = nlohmann::json::object();
    std::vector<std::string> remedy;
    std::string docs;  // relative path of the finding's page, e.g. docs/findings/ND-HOST-001.md
};

// Returns the docs path for a finding id: docs/findings/<id>.md.
std::string finding_docs_path(std::string_view id);

// The one way findings are made: each FindingFactory is bound to the probe (or command) that
// raises them, and fills the id, severity, title, the docs page the id names and whatever of
// detail, evidence and remedy the caller already has. `constexpr` so a probe can keep its
// factory next to its finding ids.
class FindingFactory {
public:
    constexpr explicit FindingFactory(std::string_view probe) : probe_(probe) {}

    Finding operator()(std::string_view id, Severity severity, std::string title,
                       std::string detail = {}, nlohmann::json evidence = nlohmann::json::object(),
                       std::vector<std::string> remedy = {}) const;

    std::string_view probe() const { return probe_; }

private:
    std::string_view probe_;
};

// True when the id has the stable shape ND-<AREA>-<NNN> (AREA upper-case letters/digits).
bool is_valid_finding_id(std::string_view id);

struct ProbeResult {
    std::string probe;
    ProbeStatus status = ProbeStatus::pass;
    std::string reason;  // why skip/error/fail, in one line; empty on a clean pass
    std::chrono::milliseconds duration{0};
    // When it started after the run began, and how much of its time it waited for the run's
    // measurement gate: probes run side by side, and these show how they overlapped.
    std::chrono::milliseconds started_after{0};
    std::chrono::milliseconds gate_wait{0};
    std::vector<Finding> findings;
    nlohmann::json measurements = nlohmann::json::object();
};

// The status a probe earns from its findings when it ran to completion: fail on any error,
// warn on any warning, else pass.
ProbeStatus status_from_findings(const std::vector<Finding>& findings);

struct ToolInfo {
    std::string name = "netdiag";
    std::string version;
    std::string git_commit;
};

struct SummaryCounts {
    int probes = 0;
    int pass = 0;
    int warn = 0;
    int fail = 0;
    int skip = 0;
    int error = 0;
    int findings_info = 0;
    int findings_warning = 0;
    int findings_error = 0;
};

inline constexpr std::string_view kReportSchemaId = "netdiag.report/1";

struct Report {
    std::string schema{kReportSchemaId};
    ToolInfo tool;
    std::string started_at;  // UTC, RFC 3339 with milliseconds
    std::chrono::milliseconds duration{0};
    nlohmann::json host = nlohmann::json::object();  // host facts, see platform::to_json
    std::vector<ProbeResult> probes;
    bool redacted = false;
    bool interrupted = false;

    SummaryCounts summary() const;
    // The most severe finding in the report, if any.
    std::optional<Severity> worst_severity() const;
};

nlohmann::json to_json(const Finding& finding);
nlohmann::json to_json(const ProbeResult& result);
nlohmann::json to_json(const Report& report);

}  // namespace netdiag
