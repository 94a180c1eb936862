// The multicast faults people hit in the field, made for real in network namespaces (root,
// iproute2, nftables): Zenoh's one socket over the membership limit, an output rule (EPERM at
// the sender) vs an input rule (a silent loss), the group routed to lo, and a peer that strict
// reverse-path filtering drops. Each must give its own finding.
#include <catch2/catch.hpp>

#include <algorithm>

#include "multicast/fault_lab.hpp"
#include "multicast/netns.hpp"
#include "multicast/probe_run.hpp"
#include "multicast/zenoh_responder.hpp"
#include "test_skip.hpp"

using namespace netdiag::testing;
namespace zenoh = netdiag::proto::zenoh;

namespace {

bool has_rule_that_counted(const nlohmann::json& finding, const std::string& hook) {
    const auto& rules = finding["evidence"]["firewall_rules"];
    return std::any_of(rules.begin(), rules.end(), [&](const nlohmann::json& r) {
        return r["hook"] == hook && r["counter_rose"] == true;
    });
}

}  // namespace

TEST_CASE("multicast faults: membership limit 1, two interfaces: Zenoh's second join ENOBUFS",
          "[multicast][netns]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) NETDIAG_SKIP("netns", reason);
    FaultLab lab("limit");
    REQUIRE(lab.ok());
    REQUIRE(lab.ns().run("sysctl -w net.ipv4.igmp_max_memberships=1") == 0);

    const auto port = free_udp_port();
    const auto run = run_multicast_probe("--zenoh-window 0s --port " + std::to_string(port),
                                         lab.ns().exec_prefix());
    INFO(run.binary.out << run.binary.err);
    REQUIRE(run.parsed);
    // Each per-interface socket joins once and passes; only Zenoh's layout shows the limit.
    for (const char* name : {"lab0", "lab1"}) {
        const auto* row = run.interface_row(name);
        REQUIRE(row != nullptr);
        CHECK((*row)["looped_back"] == true);
    }
    const auto* limit = run.finding("ND-MCAST-013");
    REQUIRE(limit != nullptr);
    CHECK((*limit)["evidence"]["limit"] == 1);
    CHECK((*limit)["evidence"]["interfaces_zenoh_joins"] == 2);
    CHECK((*limit)["evidence"]["joined"] == 1);  // the first join fits, the second does not
    CHECK((*limit)["evidence"]["errno_name"] == "ENOBUFS");
    CHECK(run.probe["status"] == "warn");
}

TEST_CASE("multicast faults: an output rule refuses the send (EPERM) and is named",
          "[multicast][netns]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) NETDIAG_SKIP("netns", reason);
    if (const auto reason = nft_skip_reason(); !reason.empty()) NETDIAG_SKIP("nftables", reason);
    FaultLab lab("nft-out");
    REQUIRE(lab.ok());
    const auto port = std::to_string(free_udp_port());
    REQUIRE(lab.load_nft("table inet ndtest {\n chain out {\n  type filter hook output priority "
                         "0;\n  udp dport " +
                         port + " counter drop\n }\n}") == 0);

    const auto run =
        run_multicast_probe("--zenoh-window 0s --port " + port, lab.ns().exec_prefix());
    INFO(run.binary.out << run.binary.err);
    REQUIRE(run.parsed);
    CHECK(run.probe["status"] == "fail");
    const auto* refused = run.finding("ND-MCAST-015");
    REQUIRE(refused != nullptr);
    CHECK((*refused)["evidence"]["errno_name"] == "EPERM");
    CHECK((*refused)["evidence"]["direction"] == "output");
    CHECK(has_rule_that_counted(*refused, "output"));
    CHECK_THAT((*refused)["detail"].get<std::string>(),
               Catch::Contains("udp dport " + port + " counter drop"));
    // The other direction's finding is not given for the same fault.
    CHECK(run.finding("ND-MCAST-004") == nullptr);
}

TEST_CASE("multicast faults: an input rule drops the copy silently and is named",
          "[multicast][netns]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) NETDIAG_SKIP("netns", reason);
    if (const auto reason = nft_skip_reason(); !reason.empty()) NETDIAG_SKIP("nftables", reason);
    FaultLab lab("nft-in");
    REQUIRE(lab.ok());
    const auto port = std::to_string(free_udp_port());
    REQUIRE(lab.load_nft("table inet ndtest {\n chain inp {\n  type filter hook input priority "
                         "0;\n  ip daddr 224.0.0.224 udp dport " +
                         port + " counter drop\n }\n}") == 0);

    const auto run =
        run_multicast_probe("--zenoh-window 0s --port " + port, lab.ns().exec_prefix());
    INFO(run.binary.out << run.binary.err);
    REQUIRE(run.parsed);
    CHECK(run.probe["status"] == "warn");
    CHECK(run.finding("ND-MCAST-015") == nullptr);
    const auto* lost = run.finding("ND-MCAST-004");
    REQUIRE(lost != nullptr);
    CHECK_THAT((*lost)["detail"].get<std::string>(), Catch::Contains("input firewall rule"));
    CHECK(has_rule_that_counted(*lost, "input"));
}

TEST_CASE("multicast faults: the group routed to lo: a round trip through lo is not proof",
          "[multicast][netns]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) NETDIAG_SKIP("netns", reason);
    FaultLab lab("via-lo");
    REQUIRE(lab.ok());
    REQUIRE(lab.ns().run("ip route replace 224.0.0.0/4 dev lo") == 0);

    const auto run = run_multicast_probe(
        "--zenoh-window 0s --port " + std::to_string(free_udp_port()), lab.ns().exec_prefix());
    INFO(run.binary.out << run.binary.err);
    REQUIRE(run.parsed);
    const auto* fallback = run.interface_row("(default)");
    REQUIRE(fallback != nullptr);
    CHECK((*fallback)["arrived_on"] == "lo");
    const auto* via_lo = run.finding("ND-MCAST-016");
    REQUIRE(via_lo != nullptr);
    CHECK((*via_lo)["evidence"]["interface"] == "(default)");
    CHECK((*via_lo)["evidence"]["arrived_on"] == "lo");
    // The interfaces named with IP_MULTICAST_IF still loop back on themselves.
    const auto* lab0 = run.interface_row("lab0");
    REQUIRE(lab0 != nullptr);
    CHECK((*lab0)["arrived_on"] == "lab0");
    CHECK((*lab0)["looped_back"] == true);
}

TEST_CASE("multicast faults: strict rp_filter drops a peer's Hello from an unroutable source",
          "[multicast][netns][zenoh]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) NETDIAG_SKIP("netns", reason);
    Netns a("rpf-a");
    Netns b("rpf-b");
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    const std::string va = "ndrp" + std::to_string(getpid() % 100000) + "a";
    const std::string vb = "ndrp" + std::to_string(getpid() % 100000) + "b";
    REQUIRE(shell("ip link add " + va + " netns " + a.name() +
                  " address 02:00:00:19:00:01 type "
                  "veth peer name " +
                  vb + " netns " + b.name()) == 0);
    for (const Netns* ns : {&a, &b}) REQUIRE(ns->run("ip link set lo up") == 0);
    REQUIRE(a.run("ip addr add 10.219.5.1/24 dev " + va) == 0);
    REQUIRE(b.run("ip addr add 10.219.5.2/24 dev " + vb) == 0);
    // The peer answers from an address the probe's namespace has no route for.
    REQUIRE(b.run("ip addr add 10.219.250.1/32 dev " + vb) == 0);
    REQUIRE(a.run("ip link set " + va + " up") == 0);
    REQUIRE(b.run("ip link set " + vb + " up") == 0);
    REQUIRE(a.run("ip route add 224.0.0.0/4 dev " + va) == 0);
    // A's ARP would refuse the unroutable sender too; a fixed neighbour keeps the test on the
    // datagram itself.
    REQUIRE(b.run("ip neigh replace 10.219.5.1 lladdr 02:00:00:19:00:01 dev " + vb +
                  " nud permanent") == 0);
    REQUIRE(a.run("sysctl -w net.ipv4.conf.all.rp_filter=1") == 0);
    REQUIRE(a.run("sysctl -w net.ipv4.conf." + va + ".rp_filter=1") == 0);

    const auto port = free_udp_port();
    ZenohResponder::Config config;
    config.port = port;
    config.join_address = "10.219.5.2";
    config.reply_from = "10.219.250.1";
    config.hello.whatami = zenoh::WhatAmI::peer;
    config.hello.zid = {0x19, 0x19};
    config.enter = [&b] { return b.enter_from_this_thread(); };
    ZenohResponder responder(config);
    REQUIRE(responder.setup_error().empty());

    const auto run =
        run_multicast_probe("--zenoh-window 300ms --port " + std::to_string(port), a.exec_prefix());
    INFO(run.binary.out << run.binary.err);
    REQUIRE(run.parsed);
    CHECK(responder.scouts_answered() > 0);         // the Hello was sent ...
    CHECK(run.finding("ND-MCAST-008") == nullptr);  // ... and never reached the probe
    const auto* row = run.interface_row(va);
    REQUIRE(row != nullptr);
    CHECK((*row)["rp_filter"] == 1);
    const auto* rpf = run.finding("ND-MCAST-017");
    REQUIRE(rpf != nullptr);
    CHECK((*rpf)["evidence"]["interfaces"] == va);
    CHECK((*rpf)["evidence"]["dropped"].get<int>() >= 1);
    CHECK_THAT((*rpf)["remedy"][1].get<std::string>(),
               Catch::Contains("net.ipv4.conf." + va + ".rp_filter"));
}

TEST_CASE("multicast faults: two interfaces with one address: a duplicate join, a copy elsewhere",
          "[multicast][netns]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) NETDIAG_SKIP("netns", reason);
    Netns ns("dup-addr");
    REQUIRE(ns.ok());
    REQUIRE(ns.run("ip link set lo up") == 0);
    REQUIRE(ns.run("ip link add lab0 type veth peer name lab1") == 0);
    REQUIRE(ns.run("ip addr add 10.219.1.1/24 dev lab0") == 0);
    REQUIRE(ns.run("ip addr add 10.219.1.1/32 dev lab1") == 0);
    REQUIRE(ns.run("ip link set lab0 up") == 0);
    REQUIRE(ns.run("ip link set lab1 up") == 0);
    REQUIRE(ns.run("ip route add 224.0.0.0/4 dev lab0") == 0);

    const auto run = run_multicast_probe(
        "--zenoh-window 0s --port " + std::to_string(free_udp_port()), ns.exec_prefix());
    INFO(run.binary.out << run.binary.err);
    REQUIRE(run.parsed);
    // Zenoh's one socket: the second join by the same address is the same membership.
    const auto* duplicate = run.finding("ND-MCAST-014");
    REQUIRE(duplicate != nullptr);
    CHECK((*duplicate)["evidence"]["errno_name"] == "EADDRINUSE");
    CHECK((*duplicate)["evidence"]["address"] == "10.219.1.1");
    const auto refused = (*duplicate)["evidence"]["interface"].get<std::string>();
    const auto holder = (*duplicate)["evidence"]["duplicate_of"].get<std::string>();
    CHECK(refused != holder);
    // The refused interface's own check: its copy came in on the holder, which proves nothing
    // about it.
    const auto* elsewhere = run.finding("ND-MCAST-016");
    REQUIRE(elsewhere != nullptr);
    CHECK((*elsewhere)["evidence"]["interface"] == refused);
    CHECK((*elsewhere)["evidence"]["arrived_on"] == holder);
    const auto* row = run.interface_row(refused);
    REQUIRE(row != nullptr);
    CHECK((*row)["looped_back"] == false);
    CHECK((*row)["looped_elsewhere"] == true);
}
