// The multicast faults beyond a single socket, judged on exact fact sets: Zenoh's one socket
// hitting the membership limit or a duplicate membership, a send refused on the way out vs a
// copy lost on the way in (with the firewall rules named), a copy that came back only through
// lo, and reverse-path drops; plus the nft ruleset reader and the netstat counter parser.
#include <catch2/catch.hpp>

#include <cerrno>
#include <system_error>

#ifdef _WIN32
#include <winsock2.h>
#endif

#include "finding_ids.hpp"
#include "netdiag/platform.hpp"
#include "platform/portable/sysfs_reader.hpp"
#include "probes/multicast/multicast_findings.hpp"
#include "probes/multicast/nft_ruleset.hpp"

using namespace netdiag;
using namespace netdiag::probes::multicast;

namespace {

// The platform's own naming of a condition, as the probe gets it from a failed call: errno on
// POSIX, the Winsock code on Windows.
SysError error(std::errc condition) {
#ifdef _WIN32
    switch (condition) {
        case std::errc::address_in_use:
            return platform::describe_native_error(WSAEADDRINUSE);
        // Winsock has no EPERM: a send a local rule refuses comes back as WSAEACCES.
        case std::errc::operation_not_permitted:
            return platform::describe_native_error(WSAEACCES);
        default:
            break;
    }
#endif
    return platform::describe_native_error(static_cast<int>(condition));
}

InterfaceCheck working_row(std::string name, unsigned index, bool loopback, std::string address) {
    InterfaceCheck r;
    r.name = std::move(name);
    r.index = index;
    r.up = r.running = true;
    r.loopback = loopback;
    r.multicast_flag = !loopback;
    r.address = std::move(address);
    r.zenoh_uses = !loopback;
    r.tried = r.joined = r.sent = r.looped_back = true;
    r.arrival_index = index;
    r.arrival_name = r.name;
    return r;
}

MulticastFacts two_interfaces() {
    MulticastFacts f;
    f.group = "224.0.0.224";
    f.port = f.test_port = 7446;
    f.interfaces = {working_row("lo", 1, true, "127.0.0.1"),
                    working_row("eth0", 2, false, "192.0.2.2"),
                    working_row("eth1", 3, false, "198.51.100.2")};
    InterfaceCheck fallback;
    fallback.name = "(default)";
    fallback.is_default = true;
    fallback.tried = fallback.joined = fallback.sent = fallback.looped_back = true;
    fallback.arrival_index = 2;
    fallback.arrival_name = "eth0";
    f.interfaces.push_back(fallback);
    f.route.route.found = true;
    f.route.route.type = "multicast";
    f.route.route.interface_name = "eth0";
    f.zenoh_socket.attempted = true;
    f.zenoh_socket.bind_address = "224.0.0.224";
    f.zenoh_socket.membership_limit = 20;
    f.zenoh_socket.joins = {{"eth0", "192.0.2.2", 2, {}}, {"eth1", "198.51.100.2", 3, {}}};
    return f;
}

// What `nft -j list ruleset` printed for a table with an output and an input chain (nft 1.0.6).
const char* const kRuleset = R"({"nftables": [
 {"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
 {"table": {"family": "inet", "name": "ndtest", "handle": 1}},
 {"chain": {"family": "inet", "table": "ndtest", "name": "out", "handle": 1, "type": "filter",
            "hook": "output", "prio": 0, "policy": "accept"}},
 {"chain": {"family": "inet", "table": "ndtest", "name": "inp", "handle": 2, "type": "filter",
            "hook": "input", "prio": 0, "policy": "accept"}},
 {"rule": {"family": "inet", "table": "ndtest", "chain": "out", "handle": 3, "expr": [
   {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}},
              "right": 7446}},
   {"counter": {"packets": 0, "bytes": 0}}, {"drop": null}]}},
 {"rule": {"family": "inet", "table": "ndtest", "chain": "inp", "handle": 5, "expr": [
   {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}},
              "right": {"prefix": {"addr": "224.0.0.0", "len": 4}}}},
   {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}},
              "right": {"set": [53, 7446]}}},
   {"counter": {"packets": 5, "bytes": 100}}, {"drop": null}]}},
 {"rule": {"family": "inet", "table": "ndtest", "chain": "inp", "handle": 6, "expr": [
   {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}},
              "right": 7446}}, {"accept": null}]}}]})";

}  // namespace

TEST_CASE("multicast faults: a healthy host with Zenoh's socket joined everywhere is quiet",
          "[multicast]") {
    CHECK(judge_multicast(two_interfaces()).empty());
}

// The per-socket membership limit and its sysctl are Linux's; Windows has no such knob.
#ifndef _WIN32
TEST_CASE("multicast faults: ENOBUFS on Zenoh's socket -> 013 with the sysctl and its value",
          "[multicast]") {
    auto facts = two_interfaces();
    facts.zenoh_socket.membership_limit = 1;
    facts.zenoh_socket.joins[1].error = error(std::errc::no_buffer_space);
    const auto findings = judge_multicast(facts);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{std::string(kMembershipLimit)});
    const auto& f = findings[0];
    CHECK(f.severity == Severity::warning);
    CHECK_THAT(f.title, Catch::Contains("net.ipv4.igmp_max_memberships is 1"));
    CHECK(f.evidence["limit"] == 1);
    CHECK(f.evidence["interfaces_zenoh_joins"] == 2);
    CHECK(f.evidence["refused_on"] == "eth1");
    CHECK(f.evidence["errno_name"] == "ENOBUFS");
    CHECK_THAT(f.remedy[0], Catch::Contains("sysctl -w net.ipv4.igmp_max_memberships=20"));
}
#endif

TEST_CASE("multicast faults: EADDRINUSE on Zenoh's socket -> 014 naming the duplicate",
          "[multicast]") {
    auto facts = two_interfaces();
    facts.zenoh_socket.joins[1].address = "192.0.2.2";
    facts.zenoh_socket.joins[1].error = error(std::errc::address_in_use);
    const auto findings = judge_multicast(facts);
    REQUIRE(test::finding_ids(findings) ==
            std::vector<std::string>{std::string(kDuplicateMembership)});
    CHECK(findings[0].title == "Zenoh's join of 224.0.0.224 on eth1 duplicates eth0");
    CHECK(findings[0].evidence["duplicate_of"] == "eth0");
}

TEST_CASE("multicast faults: refused on the way out (015) vs lost on the way in (004)",
          "[multicast]") {
    auto facts = two_interfaces();
    facts.firewall.looked = true;
    facts.firewall.ruleset_read = true;
    facts.firewall.tool = "nft -j list ruleset";
    auto before = parse_nft_ruleset(kRuleset, facts.group, facts.test_port);
    auto after = before;
    after[0].packets_before = 2;  // the output rule counted the probe's two sends
    facts.firewall.rules = relevant_rules(before, after);
    REQUIRE(facts.firewall.rules.size() == 2);

    auto out = facts;
    out.interfaces[1].sent = out.interfaces[1].looped_back = false;
    out.interfaces[1].send_error = error(std::errc::operation_not_permitted);
    auto findings = judge_multicast(out);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{std::string(kSendRefused)});
    CHECK(findings[0].severity == Severity::error);
    CHECK(findings[0].evidence["direction"] == "output");
    CHECK_THAT(findings[0].detail,
               Catch::Contains("inet ndtest out [hook output]: udp dport 7446 counter drop "
                               "(handle 3) (counter rose by 2 during the probe)"));
    CHECK(findings[0].evidence["firewall_rules"][0]["counter_rose"] == true);

    auto in = facts;
    in.interfaces[1].looped_back = false;
    findings = judge_multicast(in);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{std::string(kLoopbackLost)});
    CHECK_THAT(findings[0].detail, Catch::Contains("an input firewall rule"));
    CHECK_THAT(findings[0].detail, Catch::Contains("inet ndtest inp [hook input]"));
    CHECK_THAT(findings[0].remedy[0], Catch::Contains("input rules"));

    // Without root the finding says how to look instead.
    in.firewall.ruleset_read = false;
    in.firewall.rules.clear();
    in.firewall.note = "reading the ruleset needs root: run `sudo nft list ruleset`";
    findings = judge_multicast(in);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].evidence["firewall_note"] == in.firewall.note);
}

TEST_CASE("multicast faults: a copy that came back only through lo is not proof -> 016",
          "[multicast]") {
    SECTION("the default choice routes the group to lo") {
        auto facts = two_interfaces();
        facts.interfaces[3].arrival_index = 1;
        facts.interfaces[3].arrival_name = "lo";
        const auto findings = judge_multicast(facts);
        REQUIRE(test::finding_ids(findings) ==
                std::vector<std::string>{std::string(kLoopedOnlyViaLo)});
        CHECK(findings[0].title ==
              "Multicast sent without a chosen interface leaves only through lo");
        CHECK(findings[0].evidence["arrived_on"] == "lo");
    }
    SECTION("a named interface whose copy came in on lo") {
        auto facts = two_interfaces();
        auto& eth1 = facts.interfaces[2];
        eth1.looped_back = false;
        eth1.looped_elsewhere = true;
        eth1.arrival_index = 1;
        eth1.arrival_name = "lo";
        const auto findings = judge_multicast(facts);
        REQUIRE(test::finding_ids(findings) ==
                std::vector<std::string>{std::string(kLoopedOnlyViaLo)});
        CHECK(findings[0].title == "Multicast sent on eth1 came back through lo only");
    }
}

TEST_CASE("multicast faults: reverse-path drops while peers were expected -> 017", "[multicast]") {
    auto facts = two_interfaces();
    facts.interfaces[1].rp_filter = 1;
    facts.interfaces[2].rp_filter = 0;
    facts.reverse_path = {.drops_before = 7, .drops_after = 9, .peers_expected = true};
    auto findings = judge_multicast(facts);
    REQUIRE(test::finding_ids(findings) ==
            std::vector<std::string>{std::string(kReversePathDrops)});
    CHECK(findings[0].title ==
          "Reverse-path filtering dropped 2 datagram(s) on eth0 while peers were expected to "
          "answer");
    CHECK(findings[0].evidence["rp_filter"] == "eth0 rp_filter=1 (strict)");
    CHECK_THAT(findings[0].remedy[1], Catch::Contains("net.ipv4.conf.eth0.rp_filter=2"));

    // No filtering interface, no counter rise, or no peers expected: nothing to say.
    auto off = facts;
    off.interfaces[1].rp_filter = 0;
    CHECK(judge_multicast(off).empty());
    auto quiet = facts;
    quiet.reverse_path.drops_after = 7;
    CHECK(judge_multicast(quiet).empty());
    auto alone = facts;
    alone.reverse_path.peers_expected = false;
    CHECK(judge_multicast(alone).empty());
}

TEST_CASE("multicast faults: nft ruleset reader", "[multicast]") {
    const auto rules = parse_nft_ruleset(kRuleset, "224.0.0.224", 7446);
    REQUIRE(rules.size() == 3);
    CHECK(rules[0].hook == "output");
    CHECK(rules[0].verdict == "drop");
    CHECK(rules[0].touches_group_or_port);
    CHECK(rules[0].packets_before == 0u);
    CHECK(rules[1].text == "ip daddr 224.0.0.0/4 udp dport { 53, 7446 } counter drop");
    CHECK(rules[1].touches_group_or_port);
    CHECK(rules[1].packets_before == 5u);
    CHECK_FALSE(rules[2].touches_group_or_port);  // tcp, not the UDP port

    const auto other_port = parse_nft_ruleset(kRuleset, "239.1.2.3", 5000);
    CHECK_FALSE(other_port[0].touches_group_or_port);
    CHECK(other_port[1].touches_group_or_port);  // the /4 prefix covers every group

    CHECK(parse_nft_ruleset("not json", "224.0.0.224", 7446).empty());
    CHECK(parse_nft_ruleset(R"({"nftables": 3})", "224.0.0.224", 7446).empty());
}

TEST_CASE("multicast faults: netstat counter parser", "[multicast]") {
    const std::string text =
        "TcpExt: SyncookiesSent IPReversePathFilter TCPTimeouts\n"
        "TcpExt: 0 42 7\n"
        "IpExt: InNoRoutes InTruncatedPkts\n"
        "IpExt: 1 2\n";
    using platform::linux_fs::parse_netstat_counter;
    CHECK(parse_netstat_counter(text, "TcpExt", "IPReversePathFilter") == 42u);
    CHECK(parse_netstat_counter(text, "IpExt", "InTruncatedPkts") == 2u);
    CHECK_FALSE(parse_netstat_counter(text, "TcpExt", "Missing"));
    CHECK_FALSE(parse_netstat_counter("TcpExt: A\n", "TcpExt", "A"));
}
