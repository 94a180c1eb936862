// Small hand-made reports for the report-format tests: one host finding on an interface, one
// wasi-af finding in a module, measurements shaped like the udp-batch and shared-accept probes'.
#pragma once

#include <string>

#include "netdiag/model.hpp"

namespace netdiag::testing {

inline Finding sample_finding(std::string id, Severity severity, std::string probe,
                              nlohmann::json evidence) {
    Finding f;
    f.id = std::move(id);
    f.severity = severity;
    f.probe = std::move(probe);
    f.title = "title of " + f.id;
    f.detail = "detail of " + f.id;
    f.evidence = std::move(evidence);
    f.remedy = {"first step for " + f.id, "second step"};
    f.docs = finding_docs_path(f.id);
    return f;
}

inline Report sample_report(std::string hostname = "box-1") {
    Report r;
    r.tool.version = "0.1.0";
    r.started_at = "2026-11-30T05:00:00.000Z";
    r.duration = std::chrono::milliseconds(1500);
    r.host = {{"facts", {{"hostname", hostname}, {"os", "linux"}, {"os_name", "Debian"}}},
              {"interfaces", nlohmann::json::array()}};

    ProbeResult host;
    host.probe = "host";
    host.status = ProbeStatus::warn;
    host.findings.push_back(
        sample_finding("ND-HOST-001", Severity::warning, "host", {{"interface", "eth1"}}));

    ProbeResult udp;
    udp.probe = "udp-batch";
    udp.status = ProbeStatus::pass;
    udp.measurements = {
        {"batch", 32},
        {"paths",
         {{{"path", "per-datagram"}, {"throughput", {{"gbit_per_second", 1.0}}}},
          {{"path", "segmentation-cmsg"}, {"throughput", {{"gbit_per_second", 5.0}}}},
          {{"path", "segmentation-sockopt"}, {"plain", {{"status", "rejected"}}}}}}};

    ProbeResult accept;
    accept.probe = "shared-accept";
    accept.status = ProbeStatus::pass;
    accept.measurements = {{"patterns",
                            {{{"id", "inherit-accept"},
                              {"workers",
                               {{{"id", 0}, {"served", 30}, {"pid", 11}},
                                {{"id", 1}, {"served", 70}, {"pid", 12}}}}}}}};

    ProbeResult wasm;
    wasm.probe = "wasi-af";
    wasm.status = ProbeStatus::fail;
    wasm.findings.push_back(sample_finding("ND-WASM-002", Severity::error, "wasi-af",
                                           {{"file", "/src/my app.wasm"},
                                            {"function", "open_socket"},
                                            {"function_index", 1},
                                            {"offset", "0x5f"}}));

    ProbeResult spice;
    spice.probe = "spice";
    spice.status = ProbeStatus::skip;
    spice.reason = "no SPICE server given";

    r.probes = {host, udp, accept, wasm, spice};
    return r;
}

}  // namespace netdiag::testing
