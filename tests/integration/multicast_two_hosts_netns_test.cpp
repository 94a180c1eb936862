// The two-host check for real: namespaces A and B behind a Linux bridge, `netdiag peer` in B,
// the probe in A with --peer. Multicast flooding off on the bridge ports (unicast still passes)
// must give ND-MCAST-018; with flooding on, no warning; with all UDP dropped at the peer (the
// unicast control lost too), or no peer at all, ND-MCAST-019 and never a false "the network
// drops multicast".
#include <catch2/catch.hpp>

#include "multicast/bridge_lab.hpp"
#include "multicast/fault_lab.hpp"
#include "multicast/probe_run.hpp"
#include "test_skip.hpp"

using namespace netdiag::testing;

namespace {

const std::string kPeer = std::string(BridgeLab::b_address) + ":47100";

MulticastRun probe_from_a(const BridgeLab& lab) {
    return run_multicast_probe(
        "--zenoh-window 0s --port " + std::to_string(free_udp_port()) + " --peer " + kPeer,
        lab.a().exec_prefix());
}

bool has_warning_or_error(const MulticastRun& run) {
    for (const auto& f : run.probe["findings"]) {
        if (f["severity"] != "info") return true;
    }
    return false;
}

}  // namespace

TEST_CASE("multicast two hosts: a bridge with multicast flooding off drops multicast, not unicast",
          "[multicast][netns]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) NETDIAG_SKIP("netns", reason);
    if (shell("command -v bridge") != 0) NETDIAG_SKIP("netns", "needs bridge (iproute2)");
    BridgeLab lab("flood-off");
    REQUIRE(lab.ok());
    REQUIRE(lab.set_multicast_flood(false) == 0);
    PeerProcess peer(lab.b(), kPeer);
    REQUIRE(peer.ready());

    const auto run = probe_from_a(lab);
    INFO(run.binary.out << run.binary.err << peer.log());
    REQUIRE(run.parsed);
    const auto& two = run.probe["measurements"]["two_hosts"];
    CHECK(two["to_peer"]["received_unicast"] == 5);
    CHECK(two["to_peer"]["received_multicast"] == 0);
    CHECK(two["from_peer"]["received_unicast"] == 5);
    CHECK(two["from_peer"]["received_multicast"] == 0);
    const auto* drops = run.finding("ND-MCAST-018");
    REQUIRE(drops != nullptr);
    CHECK((*drops)["severity"] == "error");
    CHECK((*drops)["title"] ==
          "The network between this host and 10.219.9.2 does not carry multicast in either "
          "direction; unicast gets through");
    CHECK((*drops)["evidence"]["local_interface"] == "eth0");
    CHECK(run.finding("ND-MCAST-019") == nullptr);
    CHECK(run.probe["status"] == "fail");
    // The peer's own log says what it saw.
    CHECK_THAT(peer.log(), Catch::Contains("0 of 5 to the group, 5 of 5 unicast"));
}

TEST_CASE("multicast two hosts: the same bridge with flooding on carries both, no warning",
          "[multicast][netns]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) NETDIAG_SKIP("netns", reason);
    if (shell("command -v bridge") != 0) NETDIAG_SKIP("netns", "needs bridge (iproute2)");
    BridgeLab lab("flood-on");
    REQUIRE(lab.ok());
    REQUIRE(lab.set_multicast_flood(true) == 0);
    PeerProcess peer(lab.b(), kPeer);
    REQUIRE(peer.ready());

    const auto run = probe_from_a(lab);
    INFO(run.binary.out << run.binary.err << peer.log());
    REQUIRE(run.parsed);
    const auto& two = run.probe["measurements"]["two_hosts"];
    CHECK(two["to_peer"]["received_multicast"] == 5);
    CHECK(two["from_peer"]["received_multicast"] == 5);
    CHECK(two["from_peer"]["received_unicast"] == 5);
    CHECK_FALSE(has_warning_or_error(run));
    CHECK(run.probe["status"] == "pass");
}

TEST_CASE(
    "multicast two hosts: a firewall dropping all UDP at the peer is not blamed on the network",
    "[multicast][netns]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) NETDIAG_SKIP("netns", reason);
    if (const auto reason = nft_skip_reason(); !reason.empty()) NETDIAG_SKIP("nftables", reason);
    if (shell("command -v bridge") != 0) NETDIAG_SKIP("netns", "needs bridge (iproute2)");
    BridgeLab lab("udp-lost");
    REQUIRE(lab.ok());
    REQUIRE(lab.set_multicast_flood(true) == 0);
    // B takes the TCP control connection but no UDP at all: multicast to B is lost, and so is
    // the unicast control, so the network is not judged in that direction.
    REQUIRE(shell("printf '%s\\n' 'table inet ndtest {' ' chain inp {' '  type filter hook input "
                  "priority 0;' '  meta l4proto udp counter drop' ' }' '}' | " +
                  lab.b().exec_prefix() + "nft -f -") == 0);
    PeerProcess peer(lab.b(), kPeer);
    REQUIRE(peer.ready());

    const auto run = probe_from_a(lab);
    INFO(run.binary.out << run.binary.err << peer.log());
    REQUIRE(run.parsed);
    CHECK(run.finding("ND-MCAST-018") == nullptr);
    const auto* undecided = run.finding("ND-MCAST-019");
    REQUIRE(undecided != nullptr);
    CHECK((*undecided)["title"] ==
          "Unicast UDP to or from 10.219.9.2 is lost as well: whether the network carries "
          "multicast is undecided");
    CHECK((*undecided)["evidence"]["to_peer"]["received_multicast"] == 0);
    CHECK((*undecided)["evidence"]["to_peer"]["received_unicast"] == 0);
    // The other direction is judged on its own: it carried both.
    CHECK((*undecided)["evidence"]["from_peer"]["received_multicast"] == 5);
    CHECK((*undecided)["evidence"]["from_peer"]["received_unicast"] == 5);
}

TEST_CASE("multicast two hosts: no peer listening -> the peer is unreachable, undecided",
          "[multicast][netns]") {
    if (const auto reason = netns_skip_reason(); !reason.empty()) NETDIAG_SKIP("netns", reason);
    BridgeLab lab("no-peer");
    REQUIRE(lab.ok());

    const auto run = probe_from_a(lab);
    INFO(run.binary.out << run.binary.err);
    REQUIRE(run.parsed);
    CHECK(run.finding("ND-MCAST-018") == nullptr);
    const auto* unreachable = run.finding("ND-MCAST-019");
    REQUIRE(unreachable != nullptr);
    CHECK((*unreachable)["title"] ==
          "netdiag peer at 10.219.9.2:47100 cannot be reached: the peer is unreachable, "
          "multicast between the hosts is undecided");
    CHECK_THAT((*unreachable)["detail"].get<std::string>(), Catch::Contains("refused"));
}
