// `netdiag merge REPORT...`: one fleet summary from many hosts' reports: per finding id, which
// hosts have it; per probe, how many hosts passed, warned, failed, skipped or errored.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netdiag/model.hpp"

namespace netdiag {

struct FleetMember {
    std::string source;  // the file it came from
    Report report;
};

struct FleetHost {
    std::string name;  // host name, made unique with the file name when two reports share it
    std::string source;
    std::string started_at;
    std::string os;
    std::optional<Severity> worst;
    SummaryCounts counts;
};

struct FleetFinding {
    std::string id;
    Severity severity = Severity::info;  // the worst seen
    std::string title;                   // from the first host that has it
    std::vector<std::string> hosts;      // each host once, in input order
    int occurrences = 0;
};

struct FleetProbe {
    std::string id;
    std::map<std::string, std::vector<std::string>> hosts_by_status;  // "fail" -> hosts
};

struct FleetSummary {
    std::vector<FleetHost> hosts;
    std::vector<FleetFinding> findings;  // worst severity first, then most hosts
    std::vector<FleetProbe> probes;      // in first-seen order
    // The most severe finding across the fleet, for the exit status.
    std::optional<Severity> worst() const;
};

FleetSummary merge_reports(const std::vector<FleetMember>& members);

std::string render_fleet_text(const FleetSummary& fleet);
nlohmann::json to_json(const FleetSummary& fleet);

}  // namespace netdiag
