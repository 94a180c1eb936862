// The multicast probe's judgement on exact fact sets: which finding each observed fault gives,
// with which evidence; and the interface plan from a host snapshot (fixture trees included).
#include <catch2/catch.hpp>

#include <cerrno>
#include <system_error>

#include "finding_ids.hpp"
#include "netdiag/platform.hpp"
#include "platform/portable/sysfs_reader.hpp"
#include "probes/multicast/multicast_checks.hpp"
#include "probes/multicast/multicast_findings.hpp"

using namespace netdiag;
using namespace netdiag::probes::multicast;

namespace {

// A POSIX error as a Linux call reports it; the judgement reads the portable condition.
SysError error(int native, const char* name) {
    SysError e;
    e.portable = std::make_error_code(static_cast<std::errc>(native));
    e.native = native;
    e.native_name = name;
    e.message = name;
    return e;
}

InterfaceCheck row(std::string name, bool loopback, bool multicast, bool joined) {
    InterfaceCheck r;
    r.name = std::move(name);
    r.up = r.running = true;
    r.loopback = loopback;
    r.multicast_flag = multicast;
    r.address = loopback ? "127.0.0.1" : "192.0.2.2";
    r.zenoh_uses = multicast;
    r.tried = true;
    r.joined = r.sent = r.looped_back = joined;
    return r;
}

MulticastFacts healthy() {
    MulticastFacts f;
    f.group = "224.0.0.224";
    f.port = f.test_port = 7446;
    f.binds = {{"wildcard, no reuse", "0.0.0.0", {}, false, {}},
               {"group address, SO_REUSEADDR", "224.0.0.224", {.reuse_address = true}, true, {}}};
    f.interfaces = {row("lo", true, false, true), row("eth0", false, true, true)};
    f.route.route.found = true;
    f.route.route.type = "multicast";
    f.route.route.interface_name = "eth0";
    return f;
}

const Finding* find(const std::vector<Finding>& findings, std::string_view id) {
    for (const auto& f : findings) {
        if (f.id == id) return &f;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("multicast findings: a healthy host gives none", "[multicast]") {
    CHECK(judge_multicast(healthy()).empty());
}

TEST_CASE("multicast findings: no capable interface joins -> 001 with the errno", "[multicast]") {
    auto facts = healthy();
    facts.interfaces[1].joined = facts.interfaces[1].sent = facts.interfaces[1].looped_back = false;
    facts.interfaces[1].join_error = error(ENODEV, "ENODEV");
    const auto findings = judge_multicast(facts);
    const auto* f = find(findings, kNoJoin);
    REQUIRE(f != nullptr);
    CHECK(f->severity == Severity::error);
    CHECK(f->evidence["interface"] == "eth0");
    CHECK(f->evidence["errno_name"] == "ENODEV");
    CHECK(f->evidence["capable_interfaces"] == 1);
    CHECK_THAT(f->detail, Catch::Contains("eth0: IP_ADD_MEMBERSHIP failed: ENODEV"));
    CHECK_THAT(f->detail, Catch::Contains("lo: no MULTICAST flag, so Zenoh skips it"));
    // A failed join is not also reported as a lost loopback datagram.
    CHECK(find(findings, kLoopbackLost) == nullptr);
}

TEST_CASE("multicast findings: only loopback joined -> 006, not 001", "[multicast]") {
    auto facts = healthy();
    facts.interfaces.pop_back();
    facts.interfaces[0].zenoh_uses = true;  // named with --multicast-interface lo
    const auto findings = judge_multicast(facts);
    CHECK(test::finding_ids(findings) == std::vector<std::string>{std::string(kLoopbackOnly)});
}

TEST_CASE("multicast findings: joined but not looped back -> 004", "[multicast]") {
    auto facts = healthy();
    facts.interfaces[1].looped_back = false;
    auto findings = judge_multicast(facts);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{std::string(kLoopbackLost)});
    CHECK_THAT(findings[0].detail, Catch::Contains("did not come back"));

    // A send the host refuses is its own finding (an output rule), not a lost copy.
    facts.interfaces[1].sent = false;
    facts.interfaces[1].send_error = error(EPERM, "EPERM");
    findings = judge_multicast(facts);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{std::string(kSendRefused)});
    CHECK(findings[0].evidence["errno_name"] == "EPERM");
    CHECK(findings[0].evidence["direction"] == "output");

    // Any other send error is still 004.
    facts.interfaces[1].send_error = error(ENETUNREACH, "ENETUNREACH");
    findings = judge_multicast(facts);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{std::string(kLoopbackLost)});
    CHECK(findings[0].evidence["errno_name"] == "ENETUNREACH");
}

TEST_CASE("multicast findings: copy missing on a busy port -> 012 undecided, not 004",
          "[multicast]") {
    auto facts = healthy();
    facts.interfaces[1].looped_back = false;
    facts.interfaces[1].foreign_datagrams = 812;
    auto findings = judge_multicast(facts);
    REQUIRE(test::finding_ids(findings) ==
            std::vector<std::string>{std::string(kLoopbackUndecided)});
    CHECK(findings[0].severity == Severity::info);
    CHECK(findings[0].evidence["foreign_datagrams"] == 812);
    CHECK_THAT(findings[0].title, Catch::Contains("eth0 undecided"));

    // Other traffic does not excuse a send that failed: that is still a failure (015 for EPERM).
    facts.interfaces[1].sent = false;
    facts.interfaces[1].send_error = error(EPERM, "EPERM");
    findings = judge_multicast(facts);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{std::string(kSendRefused)});

    // And a copy that came back through the traffic is simply a pass.
    facts.interfaces[1].sent = true;
    facts.interfaces[1].send_error = {};
    facts.interfaces[1].looped_back = true;
    CHECK(judge_multicast(facts).empty());
}

TEST_CASE("multicast findings: bind results", "[multicast]") {
    auto facts = healthy();
    SECTION("held without reuse -> 002 names the owner") {
        facts.binds[0].error = facts.binds[1].error = error(EADDRINUSE, "EADDRINUSE");
        facts.binds[0].error.portable = facts.binds[1].error.portable =
            std::make_error_code(std::errc::address_in_use);
        facts.owners.owners = {{"0.0.0.0", 7446, 4242, "legacy-daemon"}};
        facts.owners_looked_up = true;
        const auto findings = judge_multicast(facts);
        const auto* f = find(findings, kPortConflict);
        REQUIRE(f != nullptr);
        CHECK(f->title ==
              "UDP port 7446 is held without address reuse by legacy-daemon (pid "
              "4242) on 0.0.0.0:7446");
        CHECK(f->evidence["owner_pid"] == 4242);
    }
    SECTION("shared with a reusing owner -> 011 info") {
        facts.binds[0].error = error(EADDRINUSE, "EADDRINUSE");
        facts.binds[0].error.portable = std::make_error_code(std::errc::address_in_use);
        facts.owners.owners = {{"224.0.0.224", 7446, 77, "zenohd"}};
        const auto findings = judge_multicast(facts);
        REQUIRE(test::finding_ids(findings) == std::vector<std::string>{std::string(kPortShared)});
        CHECK(findings[0].severity == Severity::info);
    }
    SECTION("the group-address bind refused (the WSL1 os error 99) -> 007 and 005") {
        facts.wsl = platform::WslKind::wsl1;
        facts.binds[1].error = error(EADDRNOTAVAIL, "EADDRNOTAVAIL");
        const auto findings = judge_multicast(facts);
        const auto* f = find(findings, kGroupBindRefused);
        REQUIRE(f != nullptr);
        CHECK_THAT(f->detail, Catch::Contains("binding the wildcard address works"));
        CHECK_THAT(f->detail, Catch::Contains("WSL1"));
        CHECK(f->evidence["errno"] == EADDRNOTAVAIL);
        CHECK(find(findings, kWsl1) != nullptr);
    }
}

TEST_CASE("multicast findings: no route -> 003, a warning while an interface works",
          "[multicast]") {
    auto facts = healthy();
    facts.route.route = {};
    facts.route.route.method = "netlink RTM_GETROUTE";
    facts.route.route.error = error(ENETUNREACH, "ENETUNREACH");
    auto f = judge_multicast(facts);
    REQUIRE(test::finding_ids(f) == std::vector<std::string>{std::string(kNoRoute)});
    CHECK(f[0].severity == Severity::warning);
    facts.interfaces[1].looped_back = false;
    f = judge_multicast(facts);
    CHECK(find(f, kNoRoute)->severity == Severity::error);
}

TEST_CASE("multicast findings: Zenoh answers are counted per interface", "[multicast]") {
    auto facts = healthy();
    facts.zenoh.attempted = true;
    facts.zenoh.window_ms = 1000;
    facts.zenoh.sent_on = {"lo", "eth0"};
    SECTION("none -> 009 info") {
        const auto findings = judge_multicast(facts);
        REQUIRE(test::finding_ids(findings) ==
                std::vector<std::string>{std::string(kNoZenohPeers)});
        CHECK(findings[0].severity == Severity::info);
    }
    SECTION("two nodes, one seen twice -> 008") {
        proto::zenoh::Hello a;
        a.zid = {0xaa};
        a.locators = {"tcp/192.0.2.7:7447"};
        proto::zenoh::Hello b;
        b.zid = {0xbb};
        b.whatami = proto::zenoh::WhatAmI::router;
        facts.zenoh.answers = {{"eth0", "192.0.2.7:40000", a},
                               {"eth0", "192.0.2.7:40000", a},
                               {"eth0", "192.0.2.9:40001", b}};
        const auto findings = judge_multicast(facts);
        REQUIRE(findings.size() == 1);
        CHECK(findings[0].id == kZenohPeers);
        CHECK(findings[0].title == "2 Zenoh nodes answered on eth0");
        CHECK_THAT(findings[0].detail,
                   Catch::Contains("Hello { zid: aa, whatami: peer, locators: "
                                   "[tcp/192.0.2.7:7447] } from 192.0.2.7:40000 on eth0"));
    }
}

TEST_CASE("multicast plan: Zenoh's choice of interfaces and the user's selection", "[multicast]") {
    platform::HostSnapshot host;
    platform::NetInterface lo;
    lo.name = "lo";
    lo.flags = {.up = true, .running = true, .loopback = true};
    lo.addresses = {{"ipv4", "127.0.0.1", 8}};
    platform::NetInterface eth;
    eth.name = "eth0";
    eth.flags = {.up = true, .running = true, .multicast = true};
    eth.addresses = {{"ipv6", "fe80::1", 64}, {"ipv4", "192.0.2.2", 24}};
    platform::NetInterface bare;
    bare.name = "ifb0";
    host.interfaces = {lo, eth, bare};

    auto rows = plan_interfaces(host, platform::multicast::Family::ipv4, {});
    REQUIRE(rows.size() == 4);
    CHECK_FALSE(rows[0].zenoh_uses);  // lo: no MULTICAST flag
    CHECK(rows[1].zenoh_uses);
    CHECK(rows[1].address == "192.0.2.2");
    CHECK(rows[2].skipped == "no IPv4 address");
    CHECK(rows[3].is_default);
    CHECK(rows[3].skipped.empty());

    rows = plan_interfaces(host, platform::multicast::Family::ipv4, {"lo"});
    CHECK(rows[0].zenoh_uses);  // named: used as named, like a configured Zenoh interface
    CHECK(rows[1].skipped == "not selected");
    CHECK(rows[3].skipped == "not selected");
}

TEST_CASE("multicast: WSL facts from the fixture trees drive the WSL findings", "[multicast]") {
    using platform::linux_fs::SysfsReader;
    auto facts = healthy();
    const auto wsl1 = SysfsReader(NETDIAG_FIXTURES_DIR "/sysroot/wsl1").host_facts();
    facts.wsl = wsl1.wsl;
    facts.wsl_networking = wsl1.wsl_networking;
    CHECK(test::finding_ids(judge_multicast(facts)) ==
          std::vector<std::string>{std::string(kWsl1)});

    const auto nat = SysfsReader(NETDIAG_FIXTURES_DIR "/sysroot/wsl2-nat").host_facts();
    facts.wsl = nat.wsl;
    facts.wsl_networking = nat.wsl_networking;
    const auto findings = judge_multicast(facts);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{std::string(kWsl2Nat)});
    CHECK(findings[0].evidence["networking"] == "nat");
}

TEST_CASE("multicast findings: a route lookup the OS does not offer is not a missing route",
          "[multicast]") {
    auto facts = healthy();
    facts.route.route = {};
    facts.route.route.method = "GetBestRoute2";
    facts.route.route.error = error(50, "ERROR_NOT_SUPPORTED");  // Wine
    CHECK(judge_multicast(facts).empty());
}

TEST_CASE("multicast findings: loopback-only joins warn, unless the user chose loopback",
          "[multicast]") {
    auto facts = healthy();
    facts.interfaces[0].zenoh_uses = true;  // lo is all Zenoh can use
    facts.interfaces[1].zenoh_uses = false;
    facts.interfaces[1].joined = facts.interfaces[1].sent = facts.interfaces[1].looped_back = false;
    CHECK(find(judge_multicast(facts), "ND-MCAST-006") != nullptr);

    facts.interfaces[1].selected = false;  // --multicast-interface lo
    facts.interfaces[1].tried = false;
    facts.interfaces[1].skipped = "not selected";
    CHECK(find(judge_multicast(facts), "ND-MCAST-006") == nullptr);
}
