// The two-host check judged on exact fact sets: multicast lost while unicast arrives is the
// network (ND-MCAST-018); unicast lost too, or a peer that cannot be reached, leaves multicast
// undecided (ND-MCAST-019) and never says the network drops multicast.
#include <catch2/catch.hpp>

#include "finding_ids.hpp"
#include "probes/multicast/multicast_findings.hpp"

using namespace netdiag;
using namespace netdiag::probes::multicast;

namespace {

TwoHostDirection arrived(unsigned multicast, unsigned unicast) {
    TwoHostDirection d;
    d.attempted = true;
    d.sent_multicast = d.sent_unicast = 5;
    d.received_multicast = multicast;
    d.received_unicast = unicast;
    return d;
}

// A host whose own checks pass: veth-a joined and looped back, the group routed there.
MulticastFacts two_hosts(TwoHostDirection to, TwoHostDirection from) {
    MulticastFacts f;
    f.group = "224.0.0.224";
    f.port = f.test_port = 7446;
    InterfaceCheck row;
    row.name = "veth-a";
    row.index = 2;
    row.up = row.running = row.multicast_flag = row.zenoh_uses = true;
    row.address = "10.219.9.1";
    row.tried = row.joined = row.sent = row.looped_back = true;
    row.arrival_index = 2;
    row.arrival_name = "veth-a";
    f.interfaces = {row};
    f.route.route.found = true;
    f.route.route.type = "multicast";
    f.route.route.interface_name = "veth-a";
    f.zenoh_socket.attempted = true;
    f.zenoh_socket.bind_address = "224.0.0.224";
    f.zenoh_socket.joins = {{"veth-a", "10.219.9.1", 2, {}}};
    auto& c = f.two_host;
    c.requested = true;
    c.peer = "10.219.9.2:47100";
    c.control = "10.219.9.2:47100";
    c.local_address = "10.219.9.1";
    c.local_interface = "veth-a";
    c.peer_address = "10.219.9.2";
    c.peer_port = 40001;
    c.local_port = 40002;
    c.count = 5;
    c.to_peer = to;
    c.from_peer = from;
    return f;
}

const std::vector<std::string> kDrops{std::string(kNetworkDropsMulticast)};
const std::vector<std::string> kUndecided{std::string(kTwoHostUndecided)};

}  // namespace

TEST_CASE("two hosts: multicast and unicast both arrive both ways -> nothing to say",
          "[multicast]") {
    CHECK(judge_multicast(two_hosts(arrived(5, 5), arrived(5, 5))).empty());
}

TEST_CASE("two hosts: multicast lost both ways while unicast arrives -> 018, an error",
          "[multicast]") {
    const auto findings = judge_multicast(two_hosts(arrived(0, 5), arrived(0, 5)));
    REQUIRE(test::finding_ids(findings) == kDrops);
    const auto& f = findings[0];
    CHECK(f.severity == Severity::error);
    CHECK(f.title ==
          "The network between this host and 10.219.9.2 does not carry multicast in either "
          "direction; unicast gets through");
    CHECK_THAT(f.detail, Catch::Contains("To the peer: 0 of 5 datagrams to 224.0.0.224 arrived, "
                                         "5 of 5 unicast to 10.219.9.2 on the same port"));
    CHECK_THAT(f.detail, Catch::Contains("From the peer: 0 of 5"));
    CHECK(f.evidence["to_peer"]["received_unicast"] == 5);
    CHECK(f.evidence["local_interface"] == "veth-a");
    CHECK_THAT(f.remedy[0], Catch::Contains("bridge link set dev PORT mcast_flood on"));
    CHECK_THAT(f.remedy[1], Catch::Contains("mcast_querier 1"));
}

TEST_CASE("two hosts: one direction, or part of it, lost -> 018 names the direction",
          "[multicast]") {
    SECTION("only from the peer, all lost") {
        const auto findings = judge_multicast(two_hosts(arrived(5, 5), arrived(0, 5)));
        REQUIRE(test::finding_ids(findings) == kDrops);
        CHECK(findings[0].severity == Severity::error);
        CHECK_THAT(findings[0].title, Catch::Contains("from the peer to this host"));
    }
    SECTION("to the peer, some lost: a warning") {
        const auto findings = judge_multicast(two_hosts(arrived(2, 5), arrived(5, 5)));
        REQUIRE(test::finding_ids(findings) == kDrops);
        CHECK(findings[0].severity == Severity::warning);
        CHECK_THAT(findings[0].title, Catch::Contains("from this host to the peer"));
    }
}

TEST_CASE("two hosts: unicast lost too -> 019 undecided, never 018", "[multicast]") {
    SECTION("nothing arrives at all") {
        const auto findings = judge_multicast(two_hosts(arrived(0, 0), arrived(0, 0)));
        REQUIRE(test::finding_ids(findings) == kUndecided);
        CHECK(findings[0].title ==
              "Unicast UDP to or from 10.219.9.2 is lost as well: whether the network carries "
              "multicast is undecided");
        CHECK_THAT(findings[0].detail, Catch::Contains("unicast was lost too: 0 of 5 unicast"));
    }
    SECTION("part of the unicast lost") {
        const auto findings = judge_multicast(two_hosts(arrived(0, 4), arrived(5, 5)));
        REQUIRE(test::finding_ids(findings) == kUndecided);
    }
    SECTION("a sender refused by its own rule") {
        auto refused = arrived(0, 0);
        refused.sent_multicast = refused.sent_unicast = 0;
        refused.send_error = "send to 224.0.0.224: EPERM (1) Operation not permitted";
        const auto findings = judge_multicast(two_hosts(arrived(5, 5), refused));
        REQUIRE(test::finding_ids(findings) == kUndecided);
        CHECK_THAT(findings[0].detail, Catch::Contains("the peer could not send (send to "
                                                       "224.0.0.224: EPERM"));
    }
}

TEST_CASE("two hosts: a peer that cannot be reached -> 019 says the peer is unreachable",
          "[multicast]") {
    auto facts = two_hosts({}, {});
    facts.two_host.failed_stage = TwoHostStage::connect;
    facts.two_host.error = "connect 10.219.9.2:47100: Connection refused";
    const auto findings = judge_multicast(facts);
    REQUIRE(test::finding_ids(findings) == kUndecided);
    CHECK(findings[0].title ==
          "netdiag peer at 10.219.9.2:47100 cannot be reached: the peer is unreachable, "
          "multicast between the hosts is undecided");
    CHECK(findings[0].detail == "connect 10.219.9.2:47100: Connection refused");
    CHECK_THAT(findings[0].remedy[0], Catch::Contains("netdiag peer --listen 0.0.0.0:47100"));

    facts.two_host.failed_stage = TwoHostStage::hello;
    facts.two_host.error = "peer answered: unsupported protocol version 2";
    const auto old_peer = judge_multicast(facts);
    REQUIRE(test::finding_ids(old_peer) == kUndecided);
    CHECK_THAT(old_peer[0].remedy[0], Catch::Contains("protocol version 2"));
}
