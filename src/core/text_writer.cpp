// The human report: what is wrong and what to do first, then per-probe status, then the facts.
#include <algorithm>

#include <fmt/format.h>

#include "core/writers.hpp"

namespace netdiag {
namespace {

struct Palette {
    bool on;
    std::string paint(std::string_view text, std::string_view code) const {
        return on ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : std::string(text);
    }
    std::string severity(Severity s) const {
        switch (s) {
            case Severity::error:
                return paint("ERROR  ", "1;31");
            case Severity::warning:
                return paint("WARNING", "1;33");
            case Severity::info:
                return paint("INFO   ", "36");
        }
        return {};
    }
    std::string status(ProbeStatus s) const {
        const auto text = fmt::format("{:<5}", to_string(s));
        switch (s) {
            case ProbeStatus::pass:
                return paint(text, "32");
            case ProbeStatus::warn:
                return paint(text, "33");
            case ProbeStatus::fail:
                return paint(text, "1;31");
            case ProbeStatus::error:
                return paint(text, "1;35");
            case ProbeStatus::skip:
                return paint(text, "2");
        }
        return text;
    }
};

std::string scalar_text(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string evidence_line(const nlohmann::json& evidence) {
    std::string line;
    for (const auto& [key, value] : evidence.items()) {
        if (!line.empty()) line += "  ";
        line += key + "=" + scalar_text(value);
    }
    return line;
}

// Measurements may carry "tables": [{"title", "columns": [...], "rows": [[...]]}], rendered
// aligned; other scalar measurements print as "key: value".
void render_table(std::string& out, const nlohmann::json& table) {
    const auto& columns = table.value("columns", nlohmann::json::array());
    const auto& rows = table.value("rows", nlohmann::json::array());
    if (!columns.is_array() || !rows.is_array()) return;
    std::vector<size_t> widths(columns.size(), 0);
    auto cell = [](const nlohmann::json& row, size_t i) {
        return row.is_array() && i < row.size() ? scalar_text(row[i]) : std::string{};
    };
    for (size_t i = 0; i < columns.size(); ++i) widths[i] = scalar_text(columns[i]).size();
    for (const auto& row : rows) {
        for (size_t i = 0; i < columns.size(); ++i) {
            widths[i] = std::max(widths[i], cell(row, i).size());
        }
    }
    if (table.contains("title")) out += fmt::format("    {}\n", scalar_text(table["title"]));
    auto line = [&](auto get) {
        std::string text = "      ";
        for (size_t i = 0; i < columns.size(); ++i) {
            text += fmt::format("{:<{}}  ", get(i), widths[i]);
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        out += text + "\n";
    };
    line([&](size_t i) { return scalar_text(columns[i]); });
    for (const auto& row : rows) line([&](size_t i) { return cell(row, i); });
}

void render_measurements(std::string& out, const nlohmann::json& measurements) {
    for (const auto& [key, value] : measurements.items()) {
        if (key == "tables" && value.is_array()) {
            for (const auto& table : value) render_table(out, table);
        } else if (!value.is_structured()) {
            out += fmt::format("    {}: {}\n", key, scalar_text(value));
        }
    }
}

void render_finding(std::string& out, const Finding& f, const Palette& palette) {
    out += fmt::format("  {} {}  {}\n", palette.severity(f.severity), f.id, f.title);
    if (!f.detail.empty()) out += fmt::format("          {}\n", f.detail);
    if (!f.evidence.empty())
        out += fmt::format("          evidence: {}\n", evidence_line(f.evidence));
    if (!f.remedy.empty()) {
        out += "          what to do:\n";
        int n = 1;
        for (const auto& step : f.remedy) out += fmt::format("            {}. {}\n", n++, step);
    }
    out += fmt::format("          more: netdiag explain {}\n", f.id);
}

void render_host(std::string& out, const nlohmann::json& host) {
    if (!host.contains("facts")) return;
    const auto& facts = host["facts"];
    out += "Host\n";
    out += fmt::format("  {} ({}), kernel {}, {}, host {}\n", facts.value("os_name", ""),
                       facts.value("os", ""), facts.value("kernel", ""),
                       facts.value("architecture", ""), facts.value("hostname", ""));
    if (facts.value("wsl", "none") != "none") {
        out += fmt::format("  WSL: {} (networking: {})\n", facts.value("wsl", ""),
                           facts.value("wsl_networking", "unknown"));
    }
    if (!facts.value("container", "").empty()) {
        out += fmt::format("  container: {}\n", facts.value("container", ""));
    }
    nlohmann::json table = {
        {"columns", {"interface", "state", "flags", "mtu", "bus/driver", "addresses"}},
        {"rows", nlohmann::json::array()}};
    for (const auto& i : host.value("interfaces", nlohmann::json::array())) {
        std::string flags;
        for (const char* f : {"up", "running", "loopback", "multicast", "point_to_point"}) {
            if (i["flags"].value(f, false)) flags += std::string(flags.empty() ? "" : ",") + f;
        }
        std::string addresses;
        for (const auto& a : i.value("addresses", nlohmann::json::array())) {
            if (!addresses.empty()) addresses += " ";
            addresses += fmt::format("{}/{}", a.value("address", ""), a.value("prefix_length", 0));
        }
        std::string bus = i.value("bus", "");
        if (!i.value("driver", "").empty()) bus += "/" + i.value("driver", "");
        if (!i.value("usb_power_control", "").empty()) {
            bus += " power=" + i.value("usb_power_control", "");
        }
        // Windows names adapters by GUID; people know them by their friendly name, which is
        // what the table shows (the JSON keeps both).
        const auto friendly = i.value("friendly_name", "");
        table["rows"].push_back({friendly.empty() ? i.value("name", "") : friendly,
                                 i.value("oper_state", ""), flags, i.value("mtu", 0), bus,
                                 addresses});
    }
    render_table(out, table);
    const auto routes = host.value("default_routes", nlohmann::json::array());
    if (routes.empty()) out += "  default route: none\n";
    for (const auto& r : routes) {
        auto dev = r.value("interface", "");
        for (const auto& i : host.value("interfaces", nlohmann::json::array())) {
            if (i.value("name", "") == dev && !i.value("friendly_name", "").empty()) {
                dev = i.value("friendly_name", "");
            }
        }
        out += fmt::format("  default route ({}): via {} dev {} metric {}\n", r.value("family", ""),
                           r.value("gateway", "").empty() ? "on-link" : r.value("gateway", ""), dev,
                           r.value("metric", 0));
    }
    for (const auto& w : host.value("warnings", nlohmann::json::array())) {
        out += fmt::format("  could not read: {}\n", scalar_text(w));
    }
}

}  // namespace

std::string render_text(const Report& report, const TextStyle& style) {
    const Palette palette{style.color};
    std::string out;
    out += fmt::format("netdiag {} · {} · {} ms{}{}\n\n", report.tool.version, report.started_at,
                       report.duration.count(), report.redacted ? " · redacted" : "",
                       report.interrupted ? " · INTERRUPTED" : "");

    bool any_finding = false;
    for (const auto& p : report.probes) {
        if (p.findings.empty()) continue;
        if (!any_finding) out += palette.paint("Findings\n", "1");
        any_finding = true;
        out += fmt::format(" {}\n", p.probe);
        auto findings = p.findings;
        std::stable_sort(findings.begin(), findings.end(), [](const auto& a, const auto& b) {
            return static_cast<int>(a.severity) > static_cast<int>(b.severity);
        });
        for (const auto& f : findings) render_finding(out, f, palette);
    }
    if (!any_finding) out += "No findings.\n";
    out += "\n" + palette.paint("Probes\n", "1");
    for (const auto& p : report.probes) {
        // Probes run side by side: when each started, and any wait for the measurement gate.
        auto timing = fmt::format("from +{} ms", p.started_after.count());
        if (p.gate_wait.count() > 0) {
            timing += fmt::format(", {} ms waiting for the host to itself", p.gate_wait.count());
        }
        out += fmt::format("  {:<14} {} {:>6} ms  ({}){}{}\n", p.probe, palette.status(p.status),
                           p.duration.count(), timing, p.reason.empty() ? "" : "  ", p.reason);
        render_measurements(out, p.measurements);
    }
    out += "\n";
    render_host(out, report.host);

    const auto c = report.summary();
    out += fmt::format(
        "\nSummary: {} probes: {} pass, {} warn, {} fail, {} skip, {} error · findings: {} error, "
        "{} warning, {} info\n",
        c.probes, c.pass, c.warn, c.fail, c.skip, c.error, c.findings_error, c.findings_warning,
        c.findings_info);
    return out;
}

}  // namespace netdiag
