// The multicast probe against real faults made in network namespaces (root and iproute2;
// SKIPPED otherwise): lo only with multicast off, lo down, and two namespaces joined by a veth
// pair where a Zenoh responder in one receives the probe's group datagram and Scout from the
// other and answers with a Hello.
#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include "multicast/netns.hpp"
#include "multicast/probe_run.hpp"
#include "multicast/zenoh_responder.hpp"

using namespace netdiag::testing;
namespace zenoh = netdiag::proto::zenoh;

TEST_CASE("multicast: lo only, multicast off: no interface can join, with the kernel's errno",
          "[multicast][netns]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) {
        NETDIAG_SKIP("netns", reason);
    }
    Netns ns("lo-off");
    REQUIRE(ns.ok());
    REQUIRE(ns.run("ip link set lo up multicast off") == 0);

    const auto run = run_multicast_probe("--zenoh-window 100ms", ns.exec_prefix());
    INFO(run.binary.out << run.binary.err);
    REQUIRE(run.parsed);
    CHECK(run.probe["status"] == "fail");
    const auto* no_join = run.finding("ND-MCAST-001");
    REQUIRE(no_join != nullptr);
    CHECK((*no_join)["evidence"]["capable_interfaces"] == 0);
    CHECK((*no_join)["evidence"]["errno_name"] == "ENODEV");
    CHECK((*no_join)["evidence"]["errno"] == 19);
    CHECK_THAT((*no_join)["detail"].get<std::string>(),
               Catch::Contains("lo: no MULTICAST flag, so Zenoh skips it"));
    const auto* no_route = run.finding("ND-MCAST-003");
    REQUIRE(no_route != nullptr);
    CHECK((*no_route)["evidence"]["errno_name"] == "ENETUNREACH");
    const auto* lo = run.interface_row("lo");
    REQUIRE(lo != nullptr);
    CHECK((*lo)["zenoh_uses"] == false);
}

TEST_CASE("multicast: lo down: joins and sends fail with the kernel's errno",
          "[multicast][netns]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) {
        NETDIAG_SKIP("netns", reason);
    }
    Netns ns("lo-down");
    REQUIRE(ns.ok());
    // Up then down, so lo keeps 127.0.0.1 as on a host whose loopback was taken down.
    REQUIRE(ns.run("ip link set lo up") == 0);
    REQUIRE(ns.run("ip link set lo down") == 0);

    const auto run = run_multicast_probe("--zenoh-window 100ms", ns.exec_prefix());
    INFO(run.binary.out << run.binary.err);
    REQUIRE(run.parsed);
    CHECK(run.probe["status"] == "fail");
    const auto* no_join = run.finding("ND-MCAST-001");
    REQUIRE(no_join != nullptr);
    CHECK_THAT((*no_join)["detail"].get<std::string>(), Catch::Contains("lo: down"));
    CHECK((*no_join)["evidence"]["errno"].get<int>() > 0);
    // The kernel refuses lo either at the join (ENODEV) or at the send (ENETUNREACH /
    // EADDRNOTAVAIL) depending on its version; either way the row carries its errno and nothing
    // loops back.
    const auto* lo = run.interface_row("lo");
    REQUIRE(lo != nullptr);
    CHECK((*lo)["looped_back"] == false);
    const bool has_errno = !(*lo)["join_error"].is_null() || !(*lo)["send_error"].is_null() ||
                           !(*lo)["setup_error"].is_null();
    CHECK(has_errno);
}

TEST_CASE("multicast: across a veth pair, the group datagram and a Zenoh Hello get through",
          "[multicast][netns][zenoh]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) {
        NETDIAG_SKIP("netns", reason);
    }
    Netns a("veth-a");
    Netns b("veth-b");
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    const std::string va = "ndmc" + std::to_string(getpid() % 100000) + "a";
    const std::string vb = "ndmc" + std::to_string(getpid() % 100000) + "b";
    REQUIRE(shell("ip link add " + va + " netns " + a.name() + " type veth peer name " + vb +
                  " netns " + b.name()) == 0);
    REQUIRE(a.run("ip addr add 10.201.0.1/24 dev " + va) == 0);
    REQUIRE(b.run("ip addr add 10.201.0.2/24 dev " + vb) == 0);
    for (const Netns* ns : {&a, &b}) REQUIRE(ns->run("ip link set lo up") == 0);
    REQUIRE(a.run("ip link set " + va + " up") == 0);
    REQUIRE(b.run("ip link set " + vb + " up") == 0);
    REQUIRE(a.run("ip route add 224.0.0.0/4 dev " + va) == 0);

    const auto port = free_udp_port();
    ZenohResponder::Config config;
    config.port = port;
    config.join_address = "10.201.0.2";
    config.hello.whatami = zenoh::WhatAmI::peer;
    config.hello.zid = {0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80};
    config.hello.locators = {"tcp/10.201.0.2:7447"};
    config.enter = [&b] { return b.enter_from_this_thread(); };
    ZenohResponder responder(config);
    REQUIRE(responder.setup_error().empty());

    const auto run =
        run_multicast_probe("--zenoh-window 500ms --port " + std::to_string(port), a.exec_prefix());
    INFO(run.binary.out << run.binary.err);
    REQUIRE(run.parsed);
    CHECK(run.probe["status"] == "pass");
    CHECK(run.finding("ND-MCAST-001") == nullptr);

    const auto* row = run.interface_row(va);
    REQUIRE(row != nullptr);
    CHECK((*row)["zenoh_uses"] == true);
    CHECK((*row)["joined"] == true);
    CHECK((*row)["looped_back"] == true);

    // Cross-host delivery: the responder in the other namespace got the probe's datagram sent
    // on the veth, and its Hello came back to the probe.
    const auto received = responder.received();
    const bool got_check = std::any_of(received.begin(), received.end(), [&](const auto& d) {
        return d.rfind("netdiag multicast check ", 0) == 0 && d.size() > va.size() &&
               d.compare(d.size() - va.size(), va.size(), va) == 0;
    });
    CHECK(got_check);
    const auto* peers = run.finding("ND-MCAST-008");
    REQUIRE(peers != nullptr);
    CHECK((*peers)["title"] == "1 Zenoh node answered on " + va);
    CHECK_THAT((*peers)["detail"].get<std::string>(),
               Catch::Contains("zid: 1020304050607080, whatami: peer, locators: "
                               "[tcp/10.201.0.2:7447] } from 10.201.0.2:"));
}
