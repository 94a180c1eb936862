// `--format openmetrics`: the exposition rules (escaping, values, one series per label set,
// `# EOF`) and what a report becomes (docs/metrics.md). promtool and node_exporter read the
// real output in tests/integration/metrics_prometheus.py.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/duration.hpp"
#include "report/exposition.hpp"
#include "report/formats.hpp"
#include "report_samples.hpp"

using namespace netdiag;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

bool has_line(const std::string& text, const std::string& line) {
    const auto lines = lines_of(text);
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

}  // namespace

TEST_CASE("exposition: label values and help are escaped, values spelled for both formats",
          "[unit]") {
    CHECK(metrics::escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
    CHECK(metrics::escape_label_value("eth\xff") == "eth\xEF\xBF\xBD");  // invalid UTF-8
    CHECK(metrics::escape_help("one\\two\nthree") == "one\\\\two\\nthree");
    CHECK(metrics::format_value(1) == "1");
    CHECK(metrics::format_value(0) == "0");
    CHECK(metrics::format_value(0.25) == "0.25");
    CHECK(metrics::format_value(1796014800) == "1796014800");
    CHECK(metrics::format_value(std::nan("")) == "NaN");
    constexpr double kInfinity = std::numeric_limits<double>::infinity();
    CHECK(metrics::format_value(kInfinity) == "+Inf");
    CHECK(metrics::format_value(-kInfinity) == "-Inf");
}

TEST_CASE("exposition: HELP and TYPE per family, empty families left out, repeats dropped",
          "[unit]") {
    const std::vector<metrics::Family> families = {
        {"netdiag_a_seconds", "First.", {{{{"probe", "x"}}, 1.5}, {{{"probe", "x"}}, 9}}},
        {"netdiag_empty", "Nothing.", {}},
        {"netdiag_b", "Second.", {{{}, 2}}}};
    CHECK(metrics::render_exposition(families) ==
          "# HELP netdiag_a_seconds First.\n"
          "# TYPE netdiag_a_seconds gauge\n"
          "netdiag_a_seconds{probe=\"x\"} 1.5\n"
          "# HELP netdiag_b Second.\n"
          "# TYPE netdiag_b gauge\n"
          "netdiag_b 2\n"
          "# EOF\n");
}

TEST_CASE("parse_utc reads what format_utc writes", "[unit]") {
    const auto t = parse_utc("2026-11-30T05:00:00.250Z");
    REQUIRE(t);
    CHECK(format_utc(*t) == "2026-11-30T05:00:00.250Z");
    CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count() ==
          1796014800250);
    CHECK(parse_utc("2026-11-30T05:00:00Z"));
    CHECK_FALSE(parse_utc("2026-11-30 05:00:00Z"));
    CHECK_FALSE(parse_utc("2026-02-30T05:00:00Z"));
    CHECK_FALSE(parse_utc("2026-11-30T05:00:00+01:00"));
    CHECK_FALSE(parse_utc(""));
}

TEST_CASE("openmetrics: run, probe status, findings", "[unit]") {
    auto report = testing::sample_report();
    // Two occurrences of one finding (two interfaces): one series, counted.
    report.probes[0].findings.push_back(report.probes[0].findings[0]);
    report.probes[0].findings.back().evidence = {{"interface", "eth2"}};
    report.started_at = "2026-11-30T05:00:00.858Z";
    const auto text = render_openmetrics(report);
    INFO(text);

    CHECK(text.size() > 6);
    CHECK(text.substr(text.size() - 6) == "# EOF\n");
    CHECK(has_line(text, "# TYPE netdiag_probe_status gauge"));
    CHECK(has_line(text, "netdiag_build_info{version=\"0.1.0\"} 1"));
    CHECK(has_line(text, "netdiag_run_timestamp_seconds 1796014800.858"));
    CHECK(has_line(text, "netdiag_run_duration_seconds 1.5"));
    CHECK(has_line(text, "netdiag_run_interrupted 0"));
    CHECK(has_line(text, "netdiag_run_findings{severity=\"warning\"} 2"));
    CHECK(has_line(text, "netdiag_run_findings{severity=\"error\"} 1"));
    CHECK(has_line(text, "netdiag_run_findings{severity=\"info\"} 0"));
    // Every status of every probe, 1 for the one it ended with.
    CHECK(has_line(text, "netdiag_probe_status{probe=\"host\",status=\"warn\"} 1"));
    CHECK(has_line(text, "netdiag_probe_status{probe=\"host\",status=\"pass\"} 0"));
    CHECK(has_line(text, "netdiag_probe_status{probe=\"spice\",status=\"skip\"} 1"));
    CHECK(has_line(text, "netdiag_probe_status{probe=\"wasi-af\",status=\"fail\"} 1"));
    int status_lines = 0;
    for (const auto& line : lines_of(text))
        status_lines += line.rfind("netdiag_probe_status{", 0) == 0;
    CHECK(status_lines == 5 * 5);
    CHECK(has_line(text,
                   "netdiag_finding{id=\"ND-HOST-001\",probe=\"host\",severity=\"warning\"} 1"));
    CHECK(has_line(
        text,
        "netdiag_finding_occurrences{id=\"ND-HOST-001\",probe=\"host\",severity=\"warning\"} 2"));
    CHECK(has_line(text,
                   "netdiag_finding{id=\"ND-WASM-002\",probe=\"wasi-af\",severity=\"error\"} 1"));
    // Nothing that changes every run in a label: no times, no PIDs.
    CHECK(text.find("pid=") == std::string::npos);
    CHECK(text.find("2026-") == std::string::npos);
}

TEST_CASE("openmetrics: the measurements people alert on", "[unit]") {
    Report report = testing::sample_report();
    report.probes[1].measurements["paths"][0]["throughput"] = {{"datagrams_per_second", 81234.5},
                                                               {"ratio_to_unbatched", 1.0}};
    report.probes[2].measurements["patterns"][0]["jain_index"] = 0.862;
    report.probes[2].measurements["patterns"][0]["failed"] = 0;
    report.probes[2].measurements["patterns"].push_back(
        {{"id", "threads-iocp"}, {"driven", false}, {"jain_index", 0}});

    ProbeResult mcast;
    mcast.probe = "multicast";
    mcast.measurements = {
        {"interfaces",
         {{{"name", "lo"}, {"joined", true}, {"looped_back", true}, {"skipped", ""}},
          {{"name", "we\"ird"}, {"joined", false}, {"looped_back", false}, {"skipped", ""}},
          {{"name", "docker0"}, {"joined", false}, {"skipped", "no IPv4 address"}}}}};
    report.probes.push_back(mcast);

    auto& spice = report.probes[4];
    spice.measurements = {{"targets",
                           {{{"target", "127.0.0.1:5930"},
                             {"lists",
                              {{{"index", 0}, {"channels", {{5, 0}, {6, 0}, {2, 0}}}},
                               {{"index", 1}, {"channels", {{5, 0}}}}}}},
                            {{"target", "10.0.0.9:5930"}, {"lists", nlohmann::json::array()}}}}};

    ProbeResult watch;
    watch.probe = "watch";
    watch.measurements = {
        {"watched_ms", 60000},
        {"interfaces", {{{"interface", "eth0"}}, {{"interface", "eth1"}}}},
        {"drops", {{{"interface", "eth1"}, {"drops", 4}, {"periodic", true}, {"period_s", 121.0}}}},
        {"heartbeat", {{"sent", 50}, {"failed", 3}}}};
    report.probes.push_back(watch);

    const auto text = render_openmetrics(report);
    INFO(text);
    CHECK(has_line(text, "netdiag_udp_batch_datagrams_per_second{path=\"per-datagram\"} 81234.5"));
    CHECK(has_line(text, "netdiag_udp_batch_ratio_to_unbatched_ratio{path=\"per-datagram\"} 1"));
    CHECK(
        has_line(text, "netdiag_shared_accept_jain_index_ratio{pattern=\"inherit-accept\"} 0.862"));
    CHECK(text.find("pattern=\"threads-iocp\"") == std::string::npos);  // not driven
    CHECK(has_line(text, "netdiag_multicast_joined{interface=\"lo\"} 1"));
    CHECK(has_line(text, "netdiag_multicast_looped_back{interface=\"we\\\"ird\"} 0"));
    CHECK(text.find("docker0") == std::string::npos);  // skipped: no verdict about it
    CHECK(has_line(text, "netdiag_spice_duplicate_channels{target=\"127.0.0.1:5930\"} 1"));
    CHECK(text.find("10.0.0.9") == std::string::npos);  // no channel list: nothing counted
    CHECK(has_line(text, "netdiag_watch_watched_seconds 60"));
    CHECK(has_line(text, "netdiag_watch_link_drops{interface=\"eth1\"} 4"));
    CHECK(has_line(text, "netdiag_watch_link_drops{interface=\"eth0\"} 0"));
    CHECK(has_line(text, "netdiag_watch_drop_period_seconds{interface=\"eth1\"} 121"));
    CHECK(has_line(text, "netdiag_watch_heartbeat_failures 3"));
}

TEST_CASE("openmetrics: measurements of the wrong type are left out, not a crash", "[unit]") {
    Report report = testing::sample_report();
    report.probes[1].measurements = {{"paths", "not a list"}};
    report.probes[2].measurements = {{"patterns", {{{"id", 7}, {"jain_index", "high"}}}}};
    ProbeResult watch;
    watch.probe = "watch";
    watch.measurements = {{"drops", {1, 2, 3}}, {"heartbeat", {{"failed", nullptr}}}};
    report.probes.push_back(watch);
    const auto text = render_openmetrics(report);
    CHECK(text.find("netdiag_udp_batch") == std::string::npos);
    CHECK(text.find("netdiag_shared_accept") == std::string::npos);
    CHECK(text.find("netdiag_watch_link_drops") == std::string::npos);
    CHECK(has_line(text, "netdiag_probe_status{probe=\"watch\",status=\"pass\"} 1"));
}
