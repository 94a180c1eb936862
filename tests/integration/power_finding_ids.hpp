// The link power findings (ND-HOST-006, -007, -008) among one probe's findings in a JSON report,
// in order: the power tests compare these and ignore the host probe's other findings.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace netdiag::test {

inline std::vector<std::string> power_finding_ids(const nlohmann::json& probe) {
    std::vector<std::string> ids;
    for (const auto& f : probe["findings"]) {
        const auto id = f["id"].get<std::string>();
        if (id == "ND-HOST-006" || id == "ND-HOST-007" || id == "ND-HOST-008") ids.push_back(id);
    }
    return ids;
}

}  // namespace netdiag::test
