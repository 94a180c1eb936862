#include <catch2/catch.hpp>

#include "core/exit_code.hpp"
#include "netdiag/model.hpp"

using namespace netdiag;

namespace {

Finding finding(Severity severity, std::string id = "ND-TEST-001") {
    Finding f;
    f.id = std::move(id);
    f.severity = severity;
    f.probe = "test";
    f.title = "t";
    return f;
}

}  // namespace

TEST_CASE("severity and status names round-trip") {
    for (auto s : {Severity::info, Severity::warning, Severity::error}) {
        CHECK(parse_severity(to_string(s)) == s);
    }
    for (auto s : {ProbeStatus::pass, ProbeStatus::warn, ProbeStatus::fail, ProbeStatus::skip,
                   ProbeStatus::error}) {
        CHECK(parse_probe_status(to_string(s)) == s);
    }
    CHECK_FALSE(parse_severity("fatal"));
}

TEST_CASE("finding ids have the stable ND-AREA-NNN shape") {
    CHECK(is_valid_finding_id("ND-HOST-001"));
    CHECK(is_valid_finding_id("ND-MCAST-012"));
    CHECK_FALSE(is_valid_finding_id("ND-HOST-1"));
    CHECK_FALSE(is_valid_finding_id("NX-HOST-001"));
    CHECK_FALSE(is_valid_finding_id("ND-host-001"));
    CHECK_FALSE(is_valid_finding_id("ND--001"));
}

TEST_CASE("probe status follows the worst finding") {
    CHECK(status_from_findings({}) == ProbeStatus::pass);
    CHECK(status_from_findings({finding(Severity::info)}) == ProbeStatus::pass);
    CHECK(status_from_findings({finding(Severity::info), finding(Severity::warning)}) ==
          ProbeStatus::warn);
    CHECK(status_from_findings({finding(Severity::warning), finding(Severity::error)}) ==
          ProbeStatus::fail);
}

TEST_CASE("report JSON carries schema, summary and findings") {
    Report report;
    report.tool.version = "1.2.3";
    ProbeResult a;
    a.probe = "a";
    a.status = ProbeStatus::warn;
    a.findings = {finding(Severity::warning, "ND-TEST-002")};
    ProbeResult b;
    b.probe = "b";
    b.status = ProbeStatus::skip;
    b.reason = "not here";
    report.probes = {a, b};

    const auto j = to_json(report);
    CHECK(j["schema"] == "netdiag.report/1");
    CHECK(j["tool"]["version"] == "1.2.3");
    CHECK(j["summary"]["probes"] == 2);
    CHECK(j["summary"]["warn"] == 1);
    CHECK(j["summary"]["skip"] == 1);
    CHECK(j["summary"]["findings"]["warning"] == 1);
    CHECK(j["probes"][0]["findings"][0]["id"] == "ND-TEST-002");
    CHECK(j["probes"][0]["findings"][0]["docs"] == "docs/findings/ND-TEST-002.md");
    CHECK(j["probes"][1]["reason"] == "not here");
}

TEST_CASE("exit codes follow --fail-on, probe errors and interruption") {
    Report report;
    ProbeResult p;
    p.probe = "p";
    report.probes = {p};
    CHECK(exit_code_for(report, Severity::error) == exit_ok);

    report.probes[0].findings = {finding(Severity::warning)};
    CHECK(exit_code_for(report, Severity::error) == exit_ok);
    CHECK(exit_code_for(report, Severity::warning) == exit_findings);
    CHECK(exit_code_for(report, Severity::info) == exit_findings);

    report.probes[0].findings = {finding(Severity::info)};
    report.probes[0].status = ProbeStatus::error;
    CHECK(exit_code_for(report, Severity::error) == exit_tool_failure);
    // Findings at the threshold win over a broken probe: the user asked about findings.
    CHECK(exit_code_for(report, Severity::info) == exit_findings);

    report.interrupted = true;
    CHECK(exit_code_for(report, Severity::info) == exit_interrupted);
}
