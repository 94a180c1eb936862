// JUnit XML, the shape CI test-report importers (Jenkins, GitLab, GitHub actions that read
// JUnit) agree on: <testsuites> of <testsuite>, each <testcase> passing or holding <failure>,
// <error> or <skipped>. One suite per probe; one case per finding id the probe can report (its
// checks), so a clean run still lists what was checked.
#include <algorithm>

#include <fmt/format.h>

#include "report/finding_catalog.hpp"
#include "report/formats.hpp"
#include "report/markup.hpp"

namespace netdiag {
namespace {

struct CaseCounts {
    int tests = 0;
    int failures = 0;
    int errors = 0;
    int skipped = 0;
    CaseCounts& operator+=(const CaseCounts& other) {
        tests += other.tests, failures += other.failures, errors += other.errors;
        skipped += other.skipped;
        return *this;
    }
};

std::string seconds_text(std::chrono::milliseconds duration) {
    return fmt::format("{:.3f}", static_cast<double>(duration.count()) / 1000.0);
}

// Title, detail, evidence and remedy of one finding, as the body of a <failure> or output.
std::string finding_text(const Finding& f) {
    std::string text = fmt::format("[{}] {}: {}\n", to_string(f.severity), f.id, f.title);
    if (!f.detail.empty()) text += f.detail + "\n";
    if (f.evidence.is_object() && !f.evidence.empty()) {
        text += "evidence: " +
                f.evidence.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    }
    if (!f.remedy.empty()) {
        text += "what to do:\n";
        for (size_t i = 0; i < f.remedy.size(); ++i) {
            text += fmt::format("  {}. {}\n", i + 1, f.remedy[i]);
        }
    }
    text += "docs: " + (f.docs.empty() ? finding_docs_path(f.id) : f.docs) + "\n";
    return text;
}

// The ids to list for a probe: its catalogue first (registry order), then any other id that
// appears in its findings (a report from a newer netdiag may hold ids this one does not know).
std::vector<std::string> case_ids(const ProbeResult& probe) {
    auto ids = catalog_finding_ids(probe.probe);
    for (const auto& f : probe.findings) {
        if (std::find(ids.begin(), ids.end(), f.id) == ids.end()) ids.push_back(f.id);
    }
    return ids;
}

std::string case_name(const std::string& id) {
    const auto description = describe_finding(id);
    return description.title.empty() ? id : id + " " + description.title;
}

CaseCounts render_case(std::string& out, const ProbeResult& probe, const std::string& id,
                       const RenderOptions& options) {
    CaseCounts counts;
    counts.tests = 1;
    std::vector<const Finding*> found;
    for (const auto& f : probe.findings) {
        if (f.id == id) found.push_back(&f);
    }
    const bool has_body =
        !found.empty() || probe.status == ProbeStatus::skip || probe.status == ProbeStatus::error;
    out += fmt::format("    <testcase name=\"{}\" classname=\"netdiag.{}\" time=\"0\"{}>\n",
                       xml_escape(case_name(id)), xml_escape(probe.probe), has_body ? "" : "/");
    if (!has_body) return counts;
    const auto worst = std::max_element(found.begin(), found.end(), [](auto* a, auto* b) {
        return static_cast<int>(a->severity) < static_cast<int>(b->severity);
    });
    if (found.empty() &&
        (probe.status == ProbeStatus::skip || probe.status == ProbeStatus::error)) {
        ++counts.skipped;
        out += fmt::format("      <skipped message=\"{}\"/>\n",
                           xml_escape(probe.status == ProbeStatus::skip
                                          ? probe.reason
                                          : "the probe did not complete: " + probe.reason));
    } else if (!found.empty()) {
        std::string body;
        for (const auto* f : found) body += finding_text(*f);
        if (static_cast<int>((*worst)->severity) >= static_cast<int>(options.fail_on)) {
            ++counts.failures;
            const auto message = found.size() == 1
                                     ? (*worst)->title
                                     : fmt::format("{} ({} times)", (*worst)->title, found.size());
            out +=
                fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                            xml_escape(message), to_string((*worst)->severity), xml_escape(body));
        } else {
            // Below --fail-on: the check passes, the finding still reaches the CI log.
            out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(body));
        }
    }
    out += "    </testcase>\n";
    return counts;
}

CaseCounts render_suite(std::string& out, const ProbeResult& probe, const std::string& hostname,
                        const std::string& timestamp, const RenderOptions& options) {
    std::string cases;
    CaseCounts counts;
    for (const auto& id : case_ids(probe)) counts += render_case(cases, probe, id, options);
    if (probe.status == ProbeStatus::error) {
        // The probe itself broke: one case says so, the way a crashed test is an <error>.
        ++counts.tests, ++counts.errors;
        cases += fmt::format(
            "    <testcase name=\"{} ran to completion\" classname=\"netdiag.{}\" time=\"{}\">\n"
            "      <error message=\"{}\" type=\"probe-error\"/>\n    </testcase>\n",
            xml_escape(probe.probe), xml_escape(probe.probe), seconds_text(probe.duration),
            xml_escape(probe.reason));
    }
    if (counts.tests == 0) {
        // A probe with no catalogue and no findings still shows up as one passing case.
        ++counts.tests;
        cases += fmt::format("    <testcase name=\"{}\" classname=\"netdiag.{}\" time=\"{}\"/>\n",
                             xml_escape(probe.probe), xml_escape(probe.probe),
                             seconds_text(probe.duration));
    }
    out += fmt::format(
        "  <testsuite name=\"netdiag.{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
        "skipped=\"{}\" time=\"{}\" timestamp=\"{}\" hostname=\"{}\">\n",
        xml_escape(probe.probe), counts.tests, counts.failures, counts.errors, counts.skipped,
        seconds_text(probe.duration), xml_escape(timestamp), xml_escape(hostname));
    out += fmt::format("    <properties>\n      <property name=\"status\" value=\"{}\"/>\n",
                       to_string(probe.status));
    if (!probe.reason.empty()) {
        out += fmt::format("      <property name=\"reason\" value=\"{}\"/>\n",
                           xml_escape(probe.reason));
    }
    out += "    </properties>\n" + cases + "  </testsuite>\n";
    return counts;
}

}  // namespace

std::string render_junit(const Report& report, const RenderOptions& options) {
    const auto facts = report.host.value("facts", nlohmann::json::object());
    const auto hostname =
        facts.is_object() && facts.contains("hostname") && facts["hostname"].is_string()
            ? facts["hostname"].get<std::string>()
            : std::string();
    // JUnit timestamps are ISO 8601 without a zone designator.
    auto timestamp = report.started_at;
    if (!timestamp.empty() && timestamp.back() == 'Z') timestamp.pop_back();

    std::string suites;
    CaseCounts total;
    for (const auto& probe : report.probes) {
        total += render_suite(suites, probe, hostname, timestamp, options);
    }
    return fmt::format(
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<testsuites name=\"netdiag {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
               "skipped=\"{}\" time=\"{}\">\n",
               xml_escape(report.tool.version), total.tests, total.failures, total.errors,
               total.skipped, seconds_text(report.duration)) +
           suites + "</testsuites>\n";
}

}  // namespace netdiag
