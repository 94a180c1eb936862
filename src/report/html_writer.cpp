// One self-contained HTML page to attach to a ticket: no external stylesheet, font, script or
// image, so it opens the same offline, in a mail client's viewer or in a ticket's attachment
// preview. Order follows the text report: summary, findings with remedies, pictures, each
// probe's tables, host facts.
#include <algorithm>

#include <fmt/format.h>

#include "netdiag/probe.hpp"
#include "report/chart_data.hpp"
#include "report/formats.hpp"
#include "report/markup.hpp"
#include "report/power_text.hpp"

namespace netdiag {
namespace {
using nlohmann::json;

constexpr std::string_view kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:60rem;
  padding:0 1rem;color:#1d232a;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2rem;
  margin-top:2rem}
.meta{color:#57606a}table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.badge{display:inline-block;border-radius:.3rem;padding:0 .45rem;
  font-weight:600;font-size:.85em}
.s-pass{background:#dafbe1;color:#116329}.s-warn,.sev-warning{background:#fff8c5;color:#7d4e00}
.s-fail,.sev-error{background:#ffebe9;color:#a40e26}.s-error{background:#fbefff;color:#6e2b91}
.s-skip{background:#eaeef2;color:#57606a}.sev-info{background:#ddf4ff;color:#0a3069}
.finding{border:1px solid #d0d7de;border-left-width:.4rem;border-radius:.3rem;
  padding:.3rem .9rem;margin:.8rem 0}
.finding.sev-error{border-left-color:#cf222e;background:none;color:inherit}
.finding.sev-warning{border-left-color:#bf8700;background:none;color:inherit}
.finding.sev-info{border-left-color:#0969da;background:none;color:inherit}
.finding h3{font-size:1.05rem;margin:.4rem 0}code{font-size:.9em}
.filter{margin:.5rem 0}.hidden{display:none}
svg.chart{display:block;margin:1rem 0;max-width:100%;height:auto;font-size:12px}
.chart-title{font-weight:600;font-size:13px}.bar{fill:#0969da}.bar-label,.bar-value,.tick{
  fill:#1d232a}.axis{stroke:#8c959f}.state-up{fill:#2da44e}.state-down{fill:#cf222e}
.state-other{fill:#8c959f}.mark{fill:#bf8700}
)";

// Severity filter for long reports; also records script errors on the page so a test (or a
// curious reader) can see that the page ran cleanly.
constexpr std::string_view kScript = R"(
window.addEventListener('error', function (e) {
  var root = document.documentElement;
  root.setAttribute('data-script-errors', (root.getAttribute('data-script-errors') || '') +
                    (e.message || 'error') + ';');
});
document.addEventListener('DOMContentLoaded', function () {
  var boxes = document.querySelectorAll('.filter input[type=checkbox]');
  function apply() {
    var shown = {};
    boxes.forEach(function (b) { shown[b.value] = b.checked; });
    document.querySelectorAll('.finding').forEach(function (f) {
      f.classList.toggle('hidden', !shown[f.getAttribute('data-severity')]);
    });
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  apply();
  document.documentElement.setAttribute('data-ready', 'true');
});
)";

std::string esc(std::string_view text) {
    return xml_escape(text);
}

std::string scalar_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string status_badge(ProbeStatus status) {
    return fmt::format("<span class=\"badge s-{0}\">{0}</span>", to_string(status));
}

std::string severity_badge(Severity severity) {
    return fmt::format("<span class=\"badge sev-{0}\">{0}</span>", to_string(severity));
}

void render_summary(std::string& out, const Report& report) {
    const auto c = report.summary();
    out += fmt::format(
        "<h2 id=\"summary\">Summary</h2>\n<p>{} probes: {} pass, {} warn, {} fail, {} skip, {} "
        "error. Findings: {} error, {} warning, {} info.{}</p>\n",
        c.probes, c.pass, c.warn, c.fail, c.skip, c.error, c.findings_error, c.findings_warning,
        c.findings_info, report.interrupted ? " <strong>The run was interrupted.</strong>" : "");
    out +=
        "<table class=\"probes\">\n<tr><th>probe</th><th>status</th><th>findings</th>"
        "<th>time</th><th>reason</th></tr>\n";
    for (const auto& p : report.probes) {
        out += fmt::format(
            "<tr><td><a href=\"#probe-{0}\">{0}</a></td><td>{1}</td><td>{2}</td>"
            "<td>{3} ms</td><td>{4}</td></tr>\n",
            esc(p.probe), status_badge(p.status), p.findings.size(), p.duration.count(),
            esc(p.reason));
    }
    out += "</table>\n";
}

void render_finding(std::string& out, const Finding& f) {
    out += fmt::format(
        "<div class=\"finding sev-{0}\" data-severity=\"{0}\">\n<h3>{1} "
        "<code>{2}</code> {3}</h3>\n",
        to_string(f.severity), severity_badge(f.severity), esc(f.id), esc(f.title));
    out += fmt::format(
        "<p class=\"meta\">probe <code>{}</code> · <code>netdiag explain {}</code> "
        "· {}</p>\n",
        esc(f.probe), esc(f.id), esc(f.docs.empty() ? finding_docs_path(f.id) : f.docs));
    if (!f.detail.empty()) out += "<p>" + esc(f.detail) + "</p>\n";
    if (f.evidence.is_object() && !f.evidence.empty()) {
        out += "<table class=\"evidence\">\n";
        for (const auto& [key, value] : f.evidence.items()) {
            out += fmt::format("<tr><th>{}</th><td><code>{}</code></td></tr>\n", esc(key),
                               esc(scalar_text(value)));
        }
        out += "</table>\n";
    }
    if (!f.remedy.empty()) {
        out += "<p><strong>What to do</strong></p>\n<ol>\n";
        for (const auto& step : f.remedy) out += "<li>" + esc(step) + "</li>\n";
        out += "</ol>\n";
    }
    out += "</div>\n";
}

void render_findings(std::string& out, const Report& report) {
    std::vector<const Finding*> findings;
    for (const auto& p : report.probes) {
        for (const auto& f : p.findings) findings.push_back(&f);
    }
    std::stable_sort(findings.begin(), findings.end(), [](const Finding* a, const Finding* b) {
        return static_cast<int>(a->severity) > static_cast<int>(b->severity);
    });
    out += "<h2 id=\"findings\">Findings</h2>\n";
    if (findings.empty()) {
        out += "<p>No findings: every probe that ran found nothing to report.</p>\n";
        return;
    }
    out += "<p class=\"filter\">Show: ";
    for (const auto s : {Severity::error, Severity::warning, Severity::info}) {
        out += fmt::format("<label><input type=\"checkbox\" value=\"{0}\" checked> {0}</label> ",
                           to_string(s));
    }
    out += "</p>\n";
    for (const auto* f : findings) render_finding(out, *f);
}

// The pictures: the watch timeline, then each probe's own (udp-batch throughput, shared-accept
// spread).
void render_charts(std::string& out, const Report& report, const json& timeline) {
    std::string charts;
    // `netdiag watch` reports carry a top-level timeline; when the caller has none to give,
    // look in the JSON form, so the page follows the report model as it grows. It comes first:
    // in a watch report it is the picture the reader came for.
    json events = timeline;
    if (events.is_null()) {
        const auto document = to_json(report);
        if (document.contains("timeline")) events = document["timeline"];
    }
    const double watch_seconds = static_cast<double>(report.duration.count()) / 1000.0;
    if (const auto chart = timeline_chart(events, watch_seconds)) {
        charts += render_timeline_chart(*chart);
    }
    // Each probe draws its own measurements (ProbeDescription::charts); the writer knows none.
    for (const auto& p : report.probes) {
        const auto* probe = find_probe(p.probe);
        if (probe == nullptr || !probe->charts) continue;
        for (const auto& chart : probe->charts(p.measurements)) charts += render_bar_chart(chart);
    }
    if (charts.empty()) return;
    out += "<h2 id=\"charts\">Charts</h2>\n" + charts;
}

void render_table(std::string& out, const json& table) {
    const auto& columns = table.value("columns", json::array());
    const auto& rows = table.value("rows", json::array());
    if (!columns.is_array() || !rows.is_array()) return;
    if (table.contains("title"))
        out += "<p><strong>" + esc(scalar_text(table["title"])) + "</strong></p>\n";
    out += "<table class=\"measurements\">\n<tr>";
    for (const auto& c : columns) out += "<th>" + esc(scalar_text(c)) + "</th>";
    out += "</tr>\n";
    for (const auto& row : rows) {
        out += "<tr>";
        for (size_t i = 0; i < columns.size(); ++i) {
            const auto cell = row.is_array() && i < row.size() ? scalar_text(row[i]) : "";
            out += "<td>" + esc(cell) + "</td>";
        }
        out += "</tr>\n";
    }
    out += "</table>\n";
}

void render_probes(std::string& out, const Report& report) {
    out += "<h2 id=\"probes\">Probes</h2>\n";
    for (const auto& p : report.probes) {
        out += fmt::format("<h3 id=\"probe-{0}\">{0} {1}</h3>\n", esc(p.probe),
                           status_badge(p.status));
        if (!p.reason.empty()) out += "<p>" + esc(p.reason) + "</p>\n";
        const auto& m = p.measurements;
        if (!m.is_object()) continue;
        std::string scalars;
        for (const auto& [key, value] : m.items()) {
            if (value.is_primitive()) {
                scalars += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", esc(key),
                                       esc(scalar_text(value)));
            }
        }
        if (!scalars.empty()) out += "<table class=\"measurements\">\n" + scalars + "</table>\n";
        if (m.contains("tables") && m["tables"].is_array()) {
            for (const auto& table : m["tables"]) {
                if (table.is_object()) render_table(out, table);
            }
        }
    }
}

void render_host(std::string& out, const json& host) {
    out += "<h2 id=\"host\">Host</h2>\n";
    const auto& facts = host.is_object() ? host.value("facts", json::object()) : json::object();
    if (facts.is_object() && !facts.empty()) {
        out += "<table class=\"facts\">\n";
        for (const auto& [key, value] : facts.items()) {
            out +=
                fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", esc(key), esc(scalar_text(value)));
        }
        for (const auto& [key, value] : host_power_rows(host.value("power", json()))) {
            out += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", esc(key), esc(value));
        }
        out += "</table>\n";
    }
    const auto& interfaces =
        host.is_object() ? host.value("interfaces", json::array()) : json::array();
    if (interfaces.is_array() && !interfaces.empty()) {
        out +=
            "<table class=\"interfaces\">\n<tr><th>interface</th><th>state</th><th>mtu</th>"
            "<th>addresses</th><th>bus</th><th>driver</th><th>power</th></tr>\n";
        for (const auto& i : interfaces) {
            if (!i.is_object()) continue;
            std::string addresses;
            for (const auto& a : i.value("addresses", json::array())) {
                if (!a.is_object()) continue;
                if (!addresses.empty()) addresses += ", ";
                addresses += fmt::format("{}/{}", scalar_text(a.value("address", json(""))),
                                         scalar_text(a.value("prefix_length", json(0))));
            }
            out += fmt::format(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                "</tr>\n",
                esc(scalar_text(i.contains("friendly_name") && i["friendly_name"].is_string() &&
                                        !i["friendly_name"].get<std::string>().empty()
                                    ? i["friendly_name"]
                                    : i.value("name", json("")))),
                esc(scalar_text(i.value("oper_state", json("")))),
                esc(scalar_text(i.value("mtu", json(0)))), esc(addresses),
                esc(scalar_text(i.value("bus", json("")))),
                esc(scalar_text(i.value("driver", json("")))),
                esc(interface_power_text(i.value("power", json()))));
        }
        out += "</table>\n";
    }
}

}  // namespace

std::string render_html(const Report& report, const json& timeline) {
    const auto facts =
        report.host.is_object() ? report.host.value("facts", json::object()) : json::object();
    const auto hostname = facts.is_object() ? scalar_text(facts.value("hostname", json(""))) : "";
    std::string out = fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>netdiag report: {}</title>\n<style>{}</style>\n<script>{}</script>\n</head>\n"
        "<body>\n<h1>netdiag report{}</h1>\n"
        "<p class=\"meta\">netdiag {} · started {} · took {} ms{}</p>\n",
        esc(hostname.empty() ? "this host" : hostname), kStyle, kScript,
        hostname.empty() ? "" : ": " + esc(hostname), esc(report.tool.version),
        esc(report.started_at), report.duration.count(),
        report.redacted ? " · redacted (host names and addresses replaced)" : "");
    render_summary(out, report);
    render_findings(out, report);
    render_charts(out, report, timeline);
    render_probes(out, report);
    render_host(out, report.host);
    out += "</body>\n</html>\n";
    return out;
}

}  // namespace netdiag
