// The multicast probe on this host's loopback only (no root needed): a Zenoh responder in the
// test answers the probe's Scout, a socket held without reuse is named as the port's owner,
// and WSL fixture trees give the WSL findings without any traffic.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "multicast/probe_run.hpp"
#include "multicast/zenoh_responder.hpp"

using namespace netdiag::testing;
namespace zenoh = netdiag::proto::zenoh;

TEST_CASE("multicast: a Zenoh Hello from a responder on lo is listed", "[multicast][zenoh]") {
    const auto port = free_udp_port();
    REQUIRE(port != 0);
    ZenohResponder::Config config;
    config.port = port;
    config.hello.whatami = zenoh::WhatAmI::router;
    config.hello.zid = {0xde, 0xad, 0xbe, 0xef, 0x01};
    config.hello.locators = {"tcp/127.0.0.1:7447", "udp/127.0.0.1:7447"};
    ZenohResponder responder(config);
    REQUIRE(responder.setup_error().empty());

    const auto run = run_multicast_probe("--multicast-interface lo --zenoh-window 500ms --port " +
                                         std::to_string(port));
    INFO(run.binary.out << run.binary.err);
    REQUIRE(run.parsed);

    const auto* peers = run.finding("ND-MCAST-008");
    REQUIRE(peers != nullptr);
    CHECK((*peers)["title"] == "1 Zenoh node answered on lo");
    CHECK_THAT((*peers)["detail"].get<std::string>(),
               Catch::Contains("Hello { zid: deadbeef01, whatami: router, locators: "
                               "[tcp/127.0.0.1:7447, udp/127.0.0.1:7447] }"));
    const auto& hellos = run.probe["measurements"]["zenoh"]["hellos"];
    REQUIRE(hellos.size() == 1);
    CHECK(hellos[0]["version"] == 9);

    // The responder saw the exact Scout Zenoh sends, and the probe's loopback datagram.
    const auto received = responder.received();
    CHECK(std::count(received.begin(), received.end(), std::string("\x01\x09\x03")) == 1);
    CHECK(responder.scouts_answered() == 1);

    const auto* lo = run.interface_row("lo");
    REQUIRE(lo != nullptr);
    CHECK((*lo)["joined"] == true);
    CHECK((*lo)["looped_back"] == true);
    CHECK(run.finding("ND-MCAST-001") == nullptr);
}

TEST_CASE("multicast: a port held without reuse names its holder", "[multicast]") {
    const auto port = free_udp_port();
    REQUIRE(port != 0);
    // This test process holds 0.0.0.0:port without SO_REUSEADDR, as a careless program would.
    const int holder = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    REQUIRE(::bind(holder, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);

    const auto run = run_multicast_probe("--multicast-interface lo --zenoh-window 0s --port " +
                                         std::to_string(port));
    ::close(holder);
    INFO(run.binary.out << run.binary.err);
    REQUIRE(run.parsed);
    CHECK(run.probe["status"] == "fail");
    const auto* conflict = run.finding("ND-MCAST-002");
    REQUIRE(conflict != nullptr);
    CHECK((*conflict)["severity"] == "error");
    CHECK((*conflict)["evidence"]["errno_name"] == "EADDRINUSE");
    CHECK((*conflict)["evidence"]["owner_pid"] == static_cast<long>(getpid()));
    CHECK((*conflict)["evidence"]["owner_address"] == "0.0.0.0:" + std::to_string(port));
    CHECK_THAT((*conflict)["title"].get<std::string>(),
               Catch::Contains("(pid " + std::to_string(getpid()) + ")"));
    // Membership does not depend on the port: the loopback check moved to a spare one.
    CHECK(run.probe["measurements"]["loopback_test_port"] != port);
    const auto* lo = run.interface_row("lo");
    REQUIRE(lo != nullptr);
    CHECK((*lo)["looped_back"] == true);
}

TEST_CASE("multicast: WSL fixture trees give the WSL findings", "[multicast][wsl]") {
    // Fixture interfaces have no addresses and the run is restricted to lo: nothing is sent.
    const std::string sysroot = NETDIAG_FIXTURES_DIR "/sysroot/";
    SECTION("WSL1") {
        const auto run = run_multicast_probe("--multicast-interface lo --zenoh-window 0s",
                                             "NETDIAG_SYSROOT=" + sysroot + "wsl1 ");
        INFO(run.binary.out << run.binary.err);
        REQUIRE(run.parsed);
        CHECK(run.probe["measurements"]["wsl"] == "wsl1");
        const auto* wsl1 = run.finding("ND-MCAST-005");
        REQUIRE(wsl1 != nullptr);
        CHECK((*wsl1)["severity"] == "error");
        CHECK(run.finding("ND-MCAST-010") == nullptr);
    }
    SECTION("WSL2 with NAT networking") {
        const auto run = run_multicast_probe("--multicast-interface lo --zenoh-window 0s",
                                             "NETDIAG_SYSROOT=" + sysroot + "wsl2-nat ");
        INFO(run.binary.out << run.binary.err);
        REQUIRE(run.parsed);
        const auto* nat = run.finding("ND-MCAST-010");
        REQUIRE(nat != nullptr);
        CHECK((*nat)["evidence"]["networking"] == "nat");
        CHECK(run.finding("ND-MCAST-005") == nullptr);
    }
    SECTION("WSL2 with mirrored networking") {
        const auto run = run_multicast_probe("--multicast-interface lo --zenoh-window 0s",
                                             "NETDIAG_SYSROOT=" + sysroot + "wsl2-mirrored ");
        INFO(run.binary.out << run.binary.err);
        REQUIRE(run.parsed);
        CHECK(run.probe["measurements"]["wsl_networking"] == "mirrored");
        CHECK(run.finding("ND-MCAST-010") == nullptr);
        CHECK(run.finding("ND-MCAST-005") == nullptr);
    }
}

TEST_CASE("multicast: a group that is not multicast is a usage error", "[multicast]") {
    const auto run = run_multicast_probe("--group 10.1.2.3 --zenoh-window 0s");
    CHECK_FALSE(run.parsed);
    CHECK(run.binary.code == 2);
    CHECK_THAT(run.binary.err,
               Catch::Contains("--group") && Catch::Contains("not a multicast group"));
}
