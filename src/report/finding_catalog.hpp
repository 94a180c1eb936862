// What netdiag knows about a finding id without a run: its page in docs/findings (compiled into
// the binary), the probe that reports it, its title and what it means. The SARIF rules and the
// JUnit test cases are built from this, so both name every check a probe can make.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netdiag/model.hpp"

namespace netdiag {

struct FindingDescription {
    std::string id;
    std::string title;                 // from the page's first heading, "# ND-X-001: Title"
    std::string meaning;               // the page's "What it means" section, as plain paragraphs
    std::optional<Severity> severity;  // from "**Severity:** warning"
    std::string page;                  // the whole Markdown page; empty when there is none
};

// Parses a finding page; fields the page lacks stay empty.
FindingDescription describe_finding_page(std::string_view id, std::string_view page);

// The description of an id from the embedded pages (title empty when the id has no page).
FindingDescription describe_finding(std::string_view id);

// The finding ids a probe can report, from the registry; empty for a probe it does not know.
std::vector<std::string> catalog_finding_ids(std::string_view probe);

}  // namespace netdiag
