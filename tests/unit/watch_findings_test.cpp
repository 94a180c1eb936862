// Watch findings from analysis results and host facts, the link state tracker, and the CLI's
// coverage of watch's finding ids.
#include <catch2/catch.hpp>

#include <sstream>

#include "app.hpp"
#include "core/finding_pages.hpp"
#include "netdiag/link_events.hpp"
#include "watch/watch_findings.hpp"
#include "watch/watch_report.hpp"

using namespace netdiag;
using namespace netdiag::watch;
namespace links = netdiag::platform::links;

namespace {

InterfaceDrops periodic_drops(const std::string& name) {
    InterfaceDrops d;
    d.interface_name = name;
    for (int i = 0; i < 5; ++i) {
        d.outages.push_back(
            {std::chrono::milliseconds(i * 121000), std::chrono::milliseconds(1800), "no-carrier"});
    }
    d.intervals_s = {120, 124, 118, 122};
    d.mean_interval_s = 121;
    d.jitter_s = 2.58;
    d.cv = 0.021;
    d.periodic = true;
    d.mean_outage_s = 1.8;
    return d;
}

platform::HostSnapshot usb_dock_host() {
    platform::HostSnapshot host;
    platform::NetInterface eth1;
    eth1.name = "eth1";
    eth1.driver = "r8152";
    eth1.bus = "usb";
    eth1.usb_power_control = "auto";
    host.interfaces.push_back(eth1);
    return host;
}

const Finding* find(const std::vector<Finding>& findings, std::string_view id) {
    for (const auto& f : findings) {
        if (f.id == id) return &f;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("watch findings: periodic drops on a USB NIC name the adapter and its remedies") {
    WatchFacts facts;
    facts.watched = std::chrono::minutes(9);
    facts.drops = {periodic_drops("eth1")};
    const auto findings = judge_watch(facts, usb_dock_host());
    REQUIRE(findings.size() == 1);
    const auto& f = findings[0];
    CHECK(f.id == "ND-WATCH-001");
    CHECK(f.severity == Severity::error);
    CHECK(f.probe == "watch");
    CHECK(f.title == "eth1 went down 5 times in 9.0 min, every 121 s ± 2.58 s");
    CHECK_THAT(f.detail, Catch::Contains("eth1 (USB, r8152, autosuspend on)"));
    CHECK_THAT(f.detail, Catch::Contains("each outage 1.80 s on average"));
    CHECK(f.evidence["usb_power_control"] == "auto");
    CHECK(f.evidence["driver"] == "r8152");
    CHECK(f.evidence["drops"] == 5);
    CHECK(f.evidence["cv_threshold"] == kPeriodicMaxCv);
    REQUIRE(f.remedy.size() == 4);
    CHECK_THAT(f.remedy[0], Catch::Contains("/sys/class/net/eth1/device/../power/control"));
    CHECK_THAT(f.remedy[1], Catch::Contains("another USB port"));
    CHECK_THAT(f.remedy[2], Catch::Contains("r8152"));
    CHECK_THAT(f.remedy[3], Catch::Contains("another link"));
}

TEST_CASE("watch findings: irregular drops are a warning that says why they are not periodic") {
    WatchFacts facts;
    facts.watched = std::chrono::seconds(60);
    auto d = periodic_drops("veth0");
    d.periodic = false;
    d.cv = 0.6;
    facts.drops = {d};
    const auto findings = judge_watch(facts, {});
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].id == "ND-WATCH-002");
    CHECK(findings[0].severity == Severity::warning);
    CHECK_THAT(findings[0].detail, Catch::Contains("not periodic"));
    CHECK_THAT(findings[0].detail, Catch::Contains("0.600"));
    // No USB facts, no USB remedies.
    CHECK(findings[0].remedy.size() == 2);
}

TEST_CASE("watch findings: lost addresses, heartbeat errors and a silent source") {
    WatchFacts facts;
    facts.address_losses = {{"eth1", "10.0.0.2/24", 2, 2}, {"eth1", "fe80::1/64", 1, 0}};
    facts.heartbeat_target = "10.0.0.1:9";
    facts.heartbeat.total = 14;
    facts.heartbeat.during_outages = 12;
    facts.heartbeat.error_names = {"ENETUNREACH"};
    facts.source.mechanism = "NotifyIpInterfaceChange + NotifyUnicastIpAddressChange";
    facts.source.initial_notification_seen = false;
    const auto findings = judge_watch(facts, {});
    REQUIRE(findings.size() == 3);
    const auto* lost = find(findings, "ND-WATCH-003");
    REQUIRE(lost != nullptr);
    CHECK(lost->evidence["addresses"].size() == 2);
    CHECK_THAT(lost->detail, Catch::Contains("10.0.0.2/24 removed 2×, re-added 2×"));
    const auto* heartbeat = find(findings, "ND-WATCH-004");
    REQUIRE(heartbeat != nullptr);
    CHECK(heartbeat->title == "UDP heartbeat to 10.0.0.1:9: 14 sends failed");
    CHECK(heartbeat->evidence["during_outages"] == 12);
    const auto* silent = find(findings, "ND-WATCH-005");
    REQUIRE(silent != nullptr);
    CHECK(silent->severity == Severity::info);
    CHECK(silent->evidence["initial_notification_seen"] == false);
    CHECK(judge_watch(WatchFacts{}, {}).empty());
}

TEST_CASE("link state tracker: events only on real changes, with old and new state") {
    links::LinkStateTracker tracker;
    CHECK_FALSE(tracker.observe_link(2, "eth0", links::LinkState::up, true));
    CHECK_FALSE(tracker.observe_link(2, "eth0", links::LinkState::up));  // repeated: nothing
    auto down = tracker.observe_link(2, "", links::LinkState::no_carrier);
    REQUIRE(down);
    CHECK(down->kind == links::EventKind::link_down);
    CHECK(down->interface_name == "eth0");
    CHECK(down->old_state == "up");
    CHECK(down->new_state == "no-carrier");
    auto admin = tracker.observe_link(2, "eth0", links::LinkState::down);
    REQUIRE(admin);
    CHECK(admin->kind == links::EventKind::link_state);
    CHECK(tracker.observe_link(2, "eth0", links::LinkState::up)->kind == links::EventKind::link_up);
    auto added = tracker.observe_link(7, "usb0", links::LinkState::down);
    REQUIRE(added);
    CHECK(added->kind == links::EventKind::link_added);
    CHECK(tracker.remove_link(7)->kind == links::EventKind::link_removed);
    CHECK(tracker.remove_link(2)->kind == links::EventKind::link_down);  // unplugged while up
    CHECK_FALSE(tracker.remove_link(2));
    CHECK(tracker.name_of(99) == "if99");
}

TEST_CASE("link state tracker: addresses one by one and by whole table") {
    links::LinkStateTracker tracker;
    tracker.observe_link(3, "eth1", links::LinkState::up, true);
    CHECK_FALSE(tracker.observe_address(3, "10.0.0.2/24", true, true));
    CHECK_FALSE(tracker.observe_address(3, "10.0.0.2/24", true));
    auto gone = tracker.observe_address(3, "10.0.0.2/24", false);
    REQUIRE(gone);
    CHECK(gone->kind == links::EventKind::address_removed);
    CHECK(gone->old_state == "10.0.0.2/24");
    CHECK(gone->new_state.empty());
    const auto events = tracker.replace_addresses({{3, {"10.0.0.2/24", "fe80::1/64"}}});
    REQUIRE(events.size() == 2);
    CHECK(events[0].kind == links::EventKind::address_added);
    CHECK(tracker.replace_addresses({{3, {"fe80::1/64"}}}).size() == 1);
    REQUIRE(tracker.interfaces().size() == 1);
    CHECK(tracker.interfaces()[0].addresses == std::vector<std::string>{"fe80::1/64"});
}

TEST_CASE("watch report: the probe report shape plus a timeline, redacted alike") {
    WatchRecord record;
    record.watched = std::chrono::seconds(3);
    TimelineEntry removed;
    removed.kind = "address_removed";
    removed.interface_name = "eth1";
    removed.old_state = "192.0.2.77/24";
    record.timeline.push_back(removed);
    const auto report = build_watch_report(record, usb_dock_host(), "", true);
    const auto json = nlohmann::json::parse(render_watch_json(report));
    CHECK(json["schema"] == "netdiag.report/1");
    REQUIRE(json["probes"].size() == 1);
    CHECK(json["probes"][0]["id"] == "watch");
    CHECK(json["probes"][0]["findings"][0]["id"] == "ND-WATCH-003");
    REQUIRE(json["timeline"].size() == 1);
    const auto placeholder = json["timeline"][0]["old"].get<std::string>();
    CHECK(placeholder.find("192.0.2.77") == std::string::npos);
    CHECK(json["probes"][0]["findings"][0]["evidence"]["addresses"][0]["address"] == placeholder);
    CHECK(json["redacted"] == true);
    CHECK(render_watch_summary(report).rfind("watch: 1 event(s)", 0) == 0);
}

TEST_CASE("watch findings: every id has a page, list and explain cover them") {
    std::ostringstream out, err;
    cli::CliIo io{out, err};
    CHECK(cli::run({"list"}, io) == 0);
    for (const auto id : watch_finding_ids()) {
        INFO(id);
        const auto page = finding_page(id);
        REQUIRE(page.has_value());
        CHECK(page->rfind("# " + std::string(id), 0) == 0);
        CHECK(out.str().find(std::string(id)) != std::string::npos);
    }
    std::ostringstream explained, explain_err;
    cli::CliIo explain_io{explained, explain_err};
    CHECK(cli::run({"explain", "nd-watch-001"}, explain_io) == 0);
    CHECK(explained.str().rfind("# ND-WATCH-001", 0) == 0);
}

TEST_CASE("watch command: bad durations, formats and heartbeat targets are usage errors") {
    auto run = [](std::vector<std::string> args) {
        std::ostringstream out, err;
        cli::CliIo io{out, err};
        const int code = cli::run(args, io);
        return std::make_pair(code, err.str());
    };
    CHECK(run({"watch", "--duration", "soon"}).first == 2);
    CHECK(run({"watch", "--duration", "10ms"}).first == 2);
    CHECK(run({"watch", "--format", "xml"}).first == 2);
    CHECK(run({"watch", "--fail-on", "fatal"}).first == 2);
    const auto bad_target = run({"watch", "--heartbeat", "127.0.0.1:99999"});
    CHECK(bad_target.first == 2);
    // Checked while parsing, by the one HOST:PORT parser.
    CHECK_THAT(bad_target.second, Catch::Contains("--heartbeat: '127.0.0.1:99999': port must be"));
}
