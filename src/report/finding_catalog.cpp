#include "report/finding_catalog.hpp"

#include "core/finding_pages.hpp"
#include "netdiag/probe.hpp"

namespace netdiag {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\r')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
    return text;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        lines.push_back(text.substr(0, end));
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

}  // namespace

FindingDescription describe_finding_page(std::string_view id, std::string_view page) {
    FindingDescription d;
    d.id = std::string(id);
    d.page = std::string(page);
    bool in_meaning = false;
    std::string paragraph;
    for (const auto raw : split_lines(page)) {
        const auto line = trim(raw);
        if (line.rfind("# ", 0) == 0 && d.title.empty()) {
            // "# ND-UDP-001: Batched UDP send path is rejected"
            const auto colon = line.find(": ");
            d.title = std::string(
                trim(colon == std::string_view::npos ? line.substr(2) : line.substr(colon + 2)));
            continue;
        }
        if (line.rfind("**Severity:**", 0) == 0) {
            auto rest = trim(line.substr(13));
            d.severity = parse_severity(rest.substr(0, rest.find_first_of(" *;")));
            continue;
        }
        if (line.rfind("## ", 0) == 0) {
            in_meaning = line == "## What it means";
            continue;
        }
        if (!in_meaning) continue;
        if (line.empty()) {
            if (!paragraph.empty() && !d.meaning.empty()) d.meaning += "\n\n";
            d.meaning += paragraph;
            paragraph.clear();
        } else {
            if (!paragraph.empty()) paragraph += ' ';
            paragraph += line;
        }
    }
    if (!paragraph.empty()) {
        if (!d.meaning.empty()) d.meaning += "\n\n";
        d.meaning += paragraph;
    }
    return d;
}

FindingDescription describe_finding(std::string_view id) {
    const auto page = finding_page(id);
    return describe_finding_page(id, page ? std::string_view(*page) : std::string_view());
}

std::vector<std::string> catalog_finding_ids(std::string_view probe) {
    std::vector<std::string> ids;
    if (const auto* info = find_probe(probe)) {
        for (const auto id : info->finding_ids()) ids.emplace_back(id);
    }
    return ids;
}

}  // namespace netdiag
