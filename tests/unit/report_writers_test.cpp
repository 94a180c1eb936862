// JUnit, SARIF and HTML writers on a hand-made report: structure, mapping and escaping.
#include <catch2/catch.hpp>

#include <set>

#include "core/writers.hpp"
#include "report/finding_catalog.hpp"
#include "report/formats.hpp"
#include "report/markup.hpp"
#include "report_samples.hpp"

using namespace netdiag;
using nlohmann::json;

namespace {

size_t count(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("xml_escape makes any bytes safe to embed") {
    CHECK(xml_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
    CHECK(xml_escape("tab\tnl\n") == "tab\tnl\n");
    CHECK(xml_escape(std::string("bell\x07", 5)) == "bell\xEF\xBF\xBD");
    CHECK(valid_utf8("caf\xC3\xA9") == "caf\xC3\xA9");
    CHECK(valid_utf8("bad\xC3") == "bad\xEF\xBF\xBD");
    CHECK(valid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
    CHECK(valid_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST_CASE("finding pages give title, severity and meaning") {
    const auto d = describe_finding_page("ND-X-001",
                                         "# ND-X-001: Something broke\n\n"
                                         "**Severity:** error · **Probe:** `x`\n\n"
                                         "## What it means\nFirst line\nsame para.\n\n"
                                         "Second para.\n\n## Why\nnot this\n");
    CHECK(d.title == "Something broke");
    CHECK(d.severity == Severity::error);
    CHECK(d.meaning == "First line same para.\n\nSecond para.");
    // Every registered finding has a page with a title, so rules and test cases have names.
    for (const auto& id : catalog_finding_ids("udp-batch")) {
        CHECK_FALSE(describe_finding(id).title.empty());
    }
    CHECK(catalog_finding_ids("no-such-probe").empty());
}

TEST_CASE("every format name parses back") {
    for (const auto& name : report_format_names()) {
        const auto format = parse_report_format(name);
        REQUIRE(format);
        CHECK(to_string(*format) == name);
    }
    CHECK_FALSE(parse_report_format("xml"));
}

TEST_CASE("JUnit: one suite per probe, one case per finding id, failures at --fail-on") {
    const auto report = testing::sample_report();
    const auto xml = render_junit(report, {});
    CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 0) == 0);
    CHECK(count(xml, "<testsuite ") == report.probes.size());
    const auto udp_cases = catalog_finding_ids("udp-batch").size();
    REQUIRE(udp_cases > 0);
    CHECK(xml.find("<testsuite name=\"netdiag.udp-batch\" tests=\"" + std::to_string(udp_cases) +
                   "\" failures=\"0\"") != std::string::npos);
    // Default --fail-on error: the wasm error fails, the host warning passes with output.
    CHECK(count(xml, "<failure ") == 1);
    CHECK(xml.find("<failure message=\"title of ND-WASM-002\" type=\"error\">") !=
          std::string::npos);
    CHECK(xml.find("detail of ND-WASM-002") != std::string::npos);
    CHECK(xml.find("1. first step for ND-WASM-002") != std::string::npos);
    CHECK(xml.find("<system-out>[warning] ND-HOST-001") != std::string::npos);
    // A skipped probe skips each of its cases with the reason.
    CHECK(count(xml, "<skipped message=\"no SPICE server given\"/>") ==
          catalog_finding_ids("spice").size());

    RenderOptions strict;
    strict.fail_on = Severity::warning;
    CHECK(count(render_junit(report, strict), "<failure ") == 2);
}

TEST_CASE("JUnit: a broken probe is an <error> and hostile text is escaped") {
    auto report = testing::sample_report();
    report.probes[1].status = ProbeStatus::error;
    report.probes[1].reason = "did not finish <in time> & \x01";
    const auto xml = render_junit(report, {});
    CHECK(xml.find("<error message=\"did not finish &lt;in time&gt; &amp; \xEF\xBF\xBD\"") !=
          std::string::npos);
    CHECK(xml.find("errors=\"1\"") != std::string::npos);
}

TEST_CASE("SARIF: rules from the pages, levels from severity, locations by kind") {
    const auto log = json::parse(render_sarif(testing::sample_report()));
    CHECK(log["version"] == "2.1.0");
    const auto& run = log["runs"][0];
    const auto& rules = run["tool"]["driver"]["rules"];
    std::set<std::string> ids;
    for (const auto& rule : rules) ids.insert(rule["id"].get<std::string>());
    CHECK(ids.size() == rules.size());
    CHECK(ids.count("ND-UDP-001") == 1);  // from the catalogue, though not found in this run

    const auto& results = run["results"];
    REQUIRE(results.size() == 2);
    const auto& host = results[0];
    CHECK(host["ruleId"] == "ND-HOST-001");
    CHECK(rules[host["ruleIndex"].get<size_t>()]["id"] == "ND-HOST-001");
    CHECK(rules[host["ruleIndex"].get<size_t>()]["name"] ==
          "USBNetworkAdapterCarriesTheDefaultRouteAndMayAutosuspend");
    CHECK(rules[host["ruleIndex"].get<size_t>()]["help"]["markdown"].get<std::string>().rfind(
              "# ND-HOST-001", 0) == 0);
    CHECK(host["level"] == "warning");
    CHECK(host["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "host/eth1");
    CHECK_FALSE(host["locations"][0].contains("physicalLocation"));

    const auto& wasm = results[1];
    CHECK(wasm["level"] == "error");
    const auto& physical = wasm["locations"][0]["physicalLocation"];
    CHECK(physical["artifactLocation"]["uri"] == "file:///src/my%20app.wasm");
    CHECK(physical["region"]["byteOffset"] == 0x5f);
    CHECK(wasm["locations"][0]["logicalLocations"][0]["name"] == "open_socket");
    CHECK(run["invocations"][0]["executionSuccessful"] == true);
}

TEST_CASE("SARIF: module paths become URI references") {
    auto uri_of = [](const std::string& file) {
        auto report = testing::sample_report();
        report.probes[3].findings[0].evidence["file"] = file;
        const auto log = json::parse(render_sarif(report));
        return log["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]
                  ["uri"]
                      .get<std::string>();
    };
    CHECK(uri_of("C:\\build\\app.wasm") == "file:///C:/build/app.wasm");
    CHECK(uri_of("mods/a:b.wasm") == "mods/a%3Ab.wasm");
    CHECK(uri_of("/srv/caf\xC3\xA9.wasm") == "file:///srv/caf%C3%A9.wasm");
}

TEST_CASE("HTML: one page with the findings, remedies and charts, text escaped") {
    auto report = testing::sample_report();
    report.probes[0].findings[0].detail = "<script>alert(1)</script>";
    const auto html = render_html(report);
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(html.find("<script>alert(1)") == std::string::npos);
    CHECK(html.find("first step for ND-HOST-001") != std::string::npos);
    CHECK(html.find("id=\"chart-udp-throughput\"") != std::string::npos);
    CHECK(html.find("id=\"chart-accept-inherit-accept\"") != std::string::npos);
    CHECK(html.find("id=\"chart-timeline\"") == std::string::npos);
    // Self-contained: nothing fetched from elsewhere.
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find(" src=") == std::string::npos);

    const json timeline = json::array({{{"t_ms", 1000},
                                        {"interface", "eth1"},
                                        {"kind", "link_down"},
                                        {"old", "up"},
                                        {"new", "down"}}});
    CHECK(render_html(report, timeline).find("id=\"chart-timeline\"") != std::string::npos);
}

TEST_CASE("text and HTML name Windows adapters by friendly name, not GUID") {
    auto report = testing::sample_report();
    const std::string guid = "{00000004-0000-0000-0000-4E6574446576}";
    report.host["interfaces"] = json::array({{{"name", guid},
                                              {"friendly_name", "Ethernet 2"},
                                              {"oper_state", "up"},
                                              {"flags", json::object()}}});
    report.host["default_routes"] = json::array(
        {{{"family", "ipv4"}, {"gateway", "192.0.2.1"}, {"interface", guid}, {"metric", 25}}});
    const auto text = render_text(report, TextStyle{false});
    CHECK(text.find("Ethernet 2") != std::string::npos);
    CHECK(text.find("dev Ethernet 2 metric 25") != std::string::npos);
    CHECK(text.find(guid) == std::string::npos);
    const auto html = render_html(report);
    CHECK(html.find("<td>Ethernet 2</td>") != std::string::npos);
}
