// The ids of a judgement's findings, in order: what most finding tests compare first.
#pragma once

#include <string>
#include <vector>

#include "netdiag/model.hpp"

namespace netdiag::test {

inline std::vector<std::string> finding_ids(const std::vector<Finding>& findings) {
    std::vector<std::string> out;
    out.reserve(findings.size());
    for (const auto& f : findings) out.push_back(f.id);
    return out;
}

}  // namespace netdiag::test
