// The watch analysis on made-up timelines: drops, outages, intervals, the periodic rule with its
// threshold, address losses and heartbeat errors lined up with outages.
#include <catch2/catch.hpp>

#include "watch/drop_analysis.hpp"

using namespace netdiag::watch;
using std::chrono::milliseconds;

namespace {

TimelineEntry link(long at_ms, const std::string& name, const std::string& from,
                   const std::string& to) {
    TimelineEntry e;
    e.at = milliseconds(at_ms);
    e.interface_name = name;
    e.kind = to == "up" ? "link_up" : from == "up" ? "link_down" : "link_state";
    e.old_state = from;
    e.new_state = to;
    return e;
}

// A drop at each time, each followed by an outage of outage_ms.
std::vector<TimelineEntry> flaps(const std::vector<long>& drops_ms, long outage_ms,
                                 const std::string& name = "eth1") {
    std::vector<TimelineEntry> t;
    for (const auto at : drops_ms) {
        t.push_back(link(at, name, "up", "no-carrier"));
        t.push_back(link(at + outage_ms, name, "no-carrier", "up"));
    }
    return t;
}

}  // namespace

TEST_CASE("watch analysis: five drops 2 s apart are periodic, with period and jitter") {
    const auto drops = analyse_drops(flaps({1000, 3010, 4990, 7000, 9005}, 1000));
    REQUIRE(drops.size() == 1);
    const auto& d = drops[0];
    CHECK(d.interface_name == "eth1");
    CHECK(d.outages.size() == 5);
    REQUIRE(d.intervals_s.size() == 4);
    CHECK(d.intervals_s[0] == Approx(2.010));
    CHECK(d.intervals_s[1] == Approx(1.980));
    CHECK(d.periodic);
    CHECK(d.mean_interval_s == Approx(2.00125));
    CHECK(d.jitter_s == Approx(0.01436).margin(0.0001));
    CHECK(d.cv < kPeriodicMaxCv);
    REQUIRE(d.mean_outage_s.has_value());
    CHECK(*d.mean_outage_s == Approx(1.0));
}

TEST_CASE("watch analysis: random intervals are not periodic") {
    // Gaps 0.5 s, 3.1 s, 1.2 s, 4.0 s: coefficient of variation about 0.75.
    const auto drops = analyse_drops(flaps({0, 500, 3600, 4800, 8800}, 200));
    REQUIRE(drops.size() == 1);
    CHECK(drops[0].outages.size() == 5);
    CHECK_FALSE(drops[0].periodic);
    CHECK(drops[0].cv > 0.5);
}

TEST_CASE("watch analysis: two intervals are too few to call periodic, however regular") {
    const auto drops = analyse_drops(flaps({0, 2000, 4000}, 100));
    REQUIRE(drops.size() == 1);
    CHECK(drops[0].intervals_s.size() == 2);
    CHECK(drops[0].cv == Approx(0.0));
    CHECK_FALSE(drops[0].periodic);
}

TEST_CASE("watch analysis: the periodic threshold is a strict bound on the CV") {
    // Intervals 1.8, 2.2, 1.8, 2.2 s: CV = 0.2309 / 2 = 0.115: periodic.
    CHECK(analyse_drops(flaps({0, 1800, 4000, 5800, 8000}, 100))[0].periodic);
    // Intervals 1.6, 2.4, 1.6, 2.4 s: CV = 0.231: not periodic.
    CHECK_FALSE(analyse_drops(flaps({0, 1600, 4000, 5600, 8000}, 100))[0].periodic);
}

TEST_CASE("watch analysis: an outage still open at the end has no length") {
    auto t = flaps({1000}, 500);
    t.push_back(link(3000, "eth1", "up", "down"));
    const auto drops = analyse_drops(t);
    REQUIRE(drops.size() == 1);
    REQUIRE(drops[0].outages.size() == 2);
    CHECK(drops[0].outages[0].length == milliseconds(500));
    CHECK_FALSE(drops[0].outages[1].length.has_value());
    CHECK(drops[0].outages[1].down_state == "down");
    CHECK(*drops[0].mean_outage_s == Approx(0.5));
}

TEST_CASE("watch analysis: only leaving `up` is a drop, other link changes and interfaces apart") {
    std::vector<TimelineEntry> t{
        link(0, "eth0", "down", "no-carrier"), link(100, "eth0", "no-carrier", "up"),
        link(200, "wlan0", "up", "down"), link(300, "eth0", "up", "absent")};
    const auto drops = analyse_drops(t);
    REQUIRE(drops.size() == 2);
    CHECK(drops[0].interface_name == "wlan0");
    CHECK(drops[1].interface_name == "eth0");
    CHECK(drops[1].outages.size() == 1);
    CHECK(analyse_drops({}).empty());
}

TEST_CASE("watch analysis: an address removed and re-added is counted both ways") {
    std::vector<TimelineEntry> t(4);
    t[0].kind = "address_removed";
    t[0].interface_name = "eth1";
    t[0].old_state = "10.0.0.2/24";
    t[1].kind = "address_added";
    t[1].interface_name = "eth1";
    t[1].new_state = "10.0.0.2/24";
    t[2] = t[0];
    t[3].kind = "address_added";  // a new address is not a return
    t[3].interface_name = "eth1";
    t[3].new_state = "10.0.0.9/24";
    const auto losses = analyse_address_losses(t);
    REQUIRE(losses.size() == 1);
    CHECK(losses[0].address == "10.0.0.2/24");
    CHECK(losses[0].removed == 2);
    CHECK(losses[0].re_added == 1);
}

TEST_CASE("watch analysis: heartbeat errors are counted inside and outside outages") {
    auto t = flaps({1000}, 1000);
    for (const long at : {500L, 1200L, 1900L, 2500L}) {
        TimelineEntry e;
        e.at = milliseconds(at);
        e.kind = std::string(kHeartbeatErrorKind);
        e.error.native = 101;
        e.error.native_name = at == 2500 ? "EPERM" : "ENETUNREACH";
        t.push_back(e);
    }
    const auto drops = analyse_drops(t);
    const auto h = analyse_heartbeat(t, drops, milliseconds(3000));
    CHECK(h.total == 4);
    CHECK(h.during_outages == 2);
    CHECK(h.error_names == std::vector<std::string>{"ENETUNREACH", "EPERM"});
}

TEST_CASE("watch analysis: seconds and jitter read as a person writes them") {
    CHECK(format_seconds(2.0) == "2.00 s");
    CHECK(format_seconds(121.4) == "121 s");
    CHECK(format_seconds(540) == "9.0 min");
    CHECK(format_jitter(0.0123) == "12 ms");
    CHECK(format_jitter(3.0) == "3.00 s");
}
