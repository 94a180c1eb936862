#include "report/report_diff.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

namespace netdiag {
namespace {
using nlohmann::json;

// Evidence keys that say what a finding is about; the rest are observations.
constexpr const char* identity_keys[] = {"interface",      "path",    "call",   "file", "function",
                                         "function_index", "offset",  "group",  "port", "pattern",
                                         "worker",         "channel", "address"};

// Numbers that identify rather than measure (they change every run by design).
bool is_identifier_key(const std::string& key) {
    return key == "pid" || key == "port" || key == "stream" || key == "index" ||
           (key.size() > 5 && key.compare(key.size() - 5, 5, "_port") == 0);
}

std::string array_element_name(const json& element, size_t index) {
    if (element.is_object()) {
        for (const char* key : {"id", "path", "name", "interface"}) {
            if (element.contains(key) && element[key].is_string()) {
                return element[key].get<std::string>();
            }
        }
    }
    return std::to_string(index);
}

void flatten(const json& value, const std::string& path, int depth,
             std::map<std::string, double>& out) {
    if (depth > 16) return;
    if (value.is_number()) {
        out[path] = value.get<double>();
    } else if (value.is_object()) {
        for (const auto& [key, child] : value.items()) {
            // Tables repeat the other measurements for people; identifiers are not measures.
            if ((depth == 0 && key == "tables") || is_identifier_key(key)) continue;
            flatten(child, path.empty() ? key : path + "/" + key, depth + 1, out);
        }
    } else if (value.is_array()) {
        for (size_t i = 0; i < value.size(); ++i) {
            flatten(value[i], path + "/" + array_element_name(value[i], i), depth + 1, out);
        }
    }
}

// pass < warn < fail; error (the probe broke) counts as bad as fail; skip is not ranked.
std::optional<int> rank(ProbeStatus s) {
    switch (s) {
        case ProbeStatus::pass:
            return 0;
        case ProbeStatus::warn:
            return 1;
        case ProbeStatus::fail:
        case ProbeStatus::error:
            return 2;
        case ProbeStatus::skip:
            return std::nullopt;
    }
    return std::nullopt;
}

std::map<std::string, const ProbeResult*> by_probe(const Report& report) {
    std::map<std::string, const ProbeResult*> probes;
    for (const auto& p : report.probes) probes.emplace(p.probe, &p);
    return probes;
}

// Findings of `from` whose identity is not matched in `against` (as multisets: two drops on
// eth1 against one is one new drop).
std::vector<Finding> unmatched(const Report& from, const Report& against) {
    std::map<std::string, int> available;
    for (const auto& p : against.probes) {
        for (const auto& f : p.findings) ++available[finding_identity(f)];
    }
    std::vector<Finding> out;
    for (const auto& p : from.probes) {
        for (const auto& f : p.findings) {
            auto& count = available[finding_identity(f)];
            if (count > 0) {
                --count;
            } else {
                out.push_back(f);
            }
        }
    }
    return out;
}

std::string status_text(const std::optional<ProbeStatus>& s) {
    return s ? std::string(to_string(*s)) : std::string("absent");
}

std::string number(double v) {
    return fmt::format("{:.6g}", v);
}

std::string percent(double relative) {
    if (!std::isfinite(relative)) return "new";
    return fmt::format("{:+.0f}%", relative * 100);
}

}  // namespace

std::string finding_identity(const Finding& f) {
    std::string identity = f.probe + "|" + f.id;
    if (!f.evidence.is_object()) return identity;
    for (const char* key : identity_keys) {
        if (f.evidence.contains(key)) {
            identity +=
                fmt::format("|{}={}", key,
                            f.evidence[key].dump(-1, ' ', false, json::error_handler_t::replace));
        }
    }
    return identity;
}

ReportDiff diff_reports(const Report& before, const Report& after, const DiffOptions& options) {
    ReportDiff diff;
    diff.appeared = unmatched(after, before);
    diff.resolved = unmatched(before, after);
    for (const auto& f : diff.appeared) {
        if (static_cast<int>(f.severity) >= static_cast<int>(options.fail_on)) {
            diff.worse_because.push_back(
                fmt::format("new {} finding {}: {}", to_string(f.severity), f.id, f.title));
        }
    }

    const auto old_probes = by_probe(before);
    const auto new_probes = by_probe(after);
    std::vector<std::string> ids;
    for (const auto& p : before.probes) ids.push_back(p.probe);
    for (const auto& p : after.probes) {
        if (old_probes.count(p.probe) == 0) ids.push_back(p.probe);
    }
    for (const auto& id : ids) {
        const auto o = old_probes.find(id);
        const auto n = new_probes.find(id);
        StatusChange change{id, std::nullopt, std::nullopt, false};
        if (o != old_probes.end()) change.before = o->second->status;
        if (n != new_probes.end()) change.after = n->second->status;
        if (change.before != change.after) {
            const auto rb = change.before ? rank(*change.before) : std::nullopt;
            const auto ra = change.after ? rank(*change.after) : std::nullopt;
            change.worse = (rb && ra && *ra > *rb) || change.after == ProbeStatus::error;
            if (change.worse) {
                diff.worse_because.push_back(fmt::format("probe {} went from {} to {}", id,
                                                         status_text(change.before),
                                                         status_text(change.after)));
            }
            diff.status_changes.push_back(change);
        }
        if (o == old_probes.end() || n == new_probes.end()) continue;
        std::map<std::string, double> old_values;
        std::map<std::string, double> new_values;
        flatten(o->second->measurements, "", 0, old_values);
        flatten(n->second->measurements, "", 0, new_values);
        for (const auto& [path, old_value] : old_values) {
            const auto it = new_values.find(path);
            if (it == new_values.end() || it->second == old_value) continue;
            const double relative = old_value == 0 ? std::numeric_limits<double>::infinity()
                                                   : (it->second - old_value) / std::abs(old_value);
            if (std::abs(relative) > options.threshold) {
                diff.moved.push_back({id, path, old_value, it->second, relative});
            }
        }
    }
    return diff;
}

std::string render_diff_text(const ReportDiff& diff, const std::string& before_name,
                             const std::string& after_name) {
    std::string out = fmt::format("netdiag diff {} -> {}\n", before_name, after_name);
    auto findings = [&](const char* heading, const std::vector<Finding>& list) {
        out += fmt::format("\n{} ({})\n", heading, list.size());
        for (const auto& f : list) {
            out += fmt::format("  {:<7} {:<13} [{}] {}\n", to_string(f.severity), f.id, f.probe,
                               f.title);
        }
    };
    findings("New findings", diff.appeared);
    findings("Resolved findings", diff.resolved);
    out += fmt::format("\nStatus changes ({})\n", diff.status_changes.size());
    for (const auto& c : diff.status_changes) {
        out += fmt::format("  {:<14} {} -> {}{}\n", c.probe, status_text(c.before),
                           status_text(c.after), c.worse ? "  (worse)" : "");
    }
    out += fmt::format("\nMeasurements that moved ({})\n", diff.moved.size());
    for (const auto& m : diff.moved) {
        out += fmt::format("  {:<14} {}: {} -> {} ({})\n", m.probe, m.path, number(m.before),
                           number(m.after), percent(m.relative));
    }
    out += diff.worse() ? fmt::format("\nWorse: {}\n", diff.worse_because.front())
                        : std::string("\nNothing got worse.\n");
    return out;
}

json to_json(const ReportDiff& diff) {
    auto findings = [](const std::vector<Finding>& list) {
        auto array = json::array();
        for (const auto& f : list) array.push_back(to_json(f));
        return array;
    };
    auto changes = json::array();
    for (const auto& c : diff.status_changes) {
        changes.push_back({{"probe", c.probe},
                           {"before", c.before ? json(to_string(*c.before)) : json()},
                           {"after", c.after ? json(to_string(*c.after)) : json()},
                           {"worse", c.worse}});
    }
    auto moved = json::array();
    for (const auto& m : diff.moved) {
        moved.push_back({{"probe", m.probe},
                         {"path", m.path},
                         {"before", m.before},
                         {"after", m.after},
                         {"relative", std::isfinite(m.relative) ? json(m.relative) : json()}});
    }
    return {{"schema", "netdiag.diff/1"},
            {"worse", diff.worse()},
            {"worse_because", diff.worse_because},
            {"appeared", findings(diff.appeared)},
            {"resolved", findings(diff.resolved)},
            {"status_changes", changes},
            {"moved", moved}};
}

}  // namespace netdiag
