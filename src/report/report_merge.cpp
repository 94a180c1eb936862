#include "report/report_merge.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

namespace netdiag {
namespace {
using nlohmann::json;

constexpr ProbeStatus kStatusOrder[] = {ProbeStatus::pass, ProbeStatus::warn, ProbeStatus::fail,
                                        ProbeStatus::skip, ProbeStatus::error};

std::string fact(const Report& report, const char* key) {
    if (!report.host.is_object() || !report.host.contains("facts")) return {};
    const auto& facts = report.host["facts"];
    if (!facts.is_object() || !facts.contains(key) || !facts[key].is_string()) return {};
    return facts[key].get<std::string>();
}

// Redacted reports all say "host-1"; two machines must not collapse into one row.
std::string unique_name(const FleetMember& member, const std::vector<FleetHost>& taken) {
    auto name = fact(member.report, "hostname");
    const auto file = std::filesystem::path(member.source).filename().string();
    if (name.empty()) name = file;
    auto used = [&](const std::string& candidate) {
        return std::any_of(taken.begin(), taken.end(),
                           [&](const FleetHost& h) { return h.name == candidate; });
    };
    if (!used(name)) return name;
    auto candidate = fmt::format("{} ({})", name, file);
    for (int n = 2; used(candidate); ++n) candidate = fmt::format("{} ({} #{})", name, file, n);
    return candidate;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

}  // namespace

std::optional<Severity> FleetSummary::worst() const {
    std::optional<Severity> worst;
    for (const auto& h : hosts) {
        if (h.worst && (!worst || static_cast<int>(*h.worst) > static_cast<int>(*worst))) {
            worst = h.worst;
        }
    }
    return worst;
}

FleetSummary merge_reports(const std::vector<FleetMember>& members) {
    FleetSummary fleet;
    for (const auto& member : members) {
        const auto& r = member.report;
        FleetHost host{unique_name(member, fleet.hosts),
                       member.source,
                       r.started_at,
                       fact(r, "os_name"),
                       r.worst_severity(),
                       r.summary()};
        if (host.os.empty()) host.os = fact(r, "os");
        for (const auto& p : r.probes) {
            auto probe = std::find_if(fleet.probes.begin(), fleet.probes.end(),
                                      [&](const FleetProbe& fp) { return fp.id == p.probe; });
            if (probe == fleet.probes.end()) {
                fleet.probes.push_back({p.probe, {}});
                probe = std::prev(fleet.probes.end());
            }
            probe->hosts_by_status[std::string(to_string(p.status))].push_back(host.name);
            for (const auto& f : p.findings) {
                auto finding = std::find_if(fleet.findings.begin(), fleet.findings.end(),
                                            [&](const FleetFinding& ff) { return ff.id == f.id; });
                if (finding == fleet.findings.end()) {
                    fleet.findings.push_back({f.id, f.severity, f.title, {}, 0});
                    finding = std::prev(fleet.findings.end());
                }
                finding->severity =
                    static_cast<int>(f.severity) > static_cast<int>(finding->severity)
                        ? f.severity
                        : finding->severity;
                ++finding->occurrences;
                if (std::find(finding->hosts.begin(), finding->hosts.end(), host.name) ==
                    finding->hosts.end()) {
                    finding->hosts.push_back(host.name);
                }
            }
        }
        fleet.hosts.push_back(std::move(host));
    }
    std::stable_sort(fleet.findings.begin(), fleet.findings.end(),
                     [](const FleetFinding& a, const FleetFinding& b) {
                         if (a.severity != b.severity) {
                             return static_cast<int>(a.severity) > static_cast<int>(b.severity);
                         }
                         return a.hosts.size() > b.hosts.size();
                     });
    return fleet;
}

std::string render_fleet_text(const FleetSummary& fleet) {
    std::string out = fmt::format("netdiag fleet summary: {} hosts\n", fleet.hosts.size());
    out += fmt::format("\nFindings ({} ids)\n", fleet.findings.size());
    for (const auto& f : fleet.findings) {
        out += fmt::format("  {:<7} {:<13} {} of {} hosts  {}\n", to_string(f.severity), f.id,
                           f.hosts.size(), fleet.hosts.size(), f.title);
        out += fmt::format("  {:<21} {}\n", "", join(f.hosts, ", "));
    }
    out += "\nProbes            pass  warn  fail  skip error\n";
    for (const auto& p : fleet.probes) {
        std::string row = fmt::format("  {:<14}", p.id);
        for (const auto s : kStatusOrder) {
            const auto it = p.hosts_by_status.find(std::string(to_string(s)));
            row += fmt::format("{:>6}", it == p.hosts_by_status.end() ? 0 : it->second.size());
        }
        out += row + "\n";
    }
    out += "\nHosts\n";
    for (const auto& h : fleet.hosts) {
        out += fmt::format("  {:<24} {:<7} {} error, {} warning findings  {}  {}\n", h.name,
                           h.worst ? to_string(*h.worst) : "clean", h.counts.findings_error,
                           h.counts.findings_warning, h.started_at, h.source);
    }
    return out;
}

json to_json(const FleetSummary& fleet) {
    auto hosts = json::array();
    for (const auto& h : fleet.hosts) {
        hosts.push_back({{"name", h.name},
                         {"source", h.source},
                         {"started_at", h.started_at},
                         {"os", h.os},
                         {"worst", h.worst ? json(to_string(*h.worst)) : json()},
                         {"findings",
                          {{"info", h.counts.findings_info},
                           {"warning", h.counts.findings_warning},
                           {"error", h.counts.findings_error}}}});
    }
    auto findings = json::array();
    for (const auto& f : fleet.findings) {
        findings.push_back({{"id", f.id},
                            {"severity", to_string(f.severity)},
                            {"title", f.title},
                            {"hosts", f.hosts},
                            {"occurrences", f.occurrences}});
    }
    auto probes = json::array();
    for (const auto& p : fleet.probes) {
        json counts = json::object();
        json by_status = json::object();
        for (const auto s : kStatusOrder) {
            const auto key = std::string(to_string(s));
            const auto it = p.hosts_by_status.find(key);
            const auto list =
                it == p.hosts_by_status.end() ? std::vector<std::string>{} : it->second;
            counts[key] = list.size();
            by_status[key] = list;
        }
        probes.push_back({{"id", p.id}, {"counts", counts}, {"hosts", by_status}});
    }
    return {{"schema", "netdiag.fleet/1"},
            {"hosts", hosts},
            {"findings", findings},
            {"probes", probes}};
}

}  // namespace netdiag
