// Probe udp-batch as the Windows build runs it under Wine: Wine refuses the UDP_SEND_MSG_SIZE
// socket option with WSAEINVAL (10022) and ignores it as a WSASendMsg control message (one big
// datagram arrives). The probe must report both, and pass the unbatched path.
// Needs the Windows build (scripts/test-windows.sh) and wine64; SKIPPED with the reason
// otherwise. NETDIAG_WINDOWS_BUILD_DIR overrides where the Windows build is looked for.
#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "report_lookup.hpp"
#include "wine_run.hpp"

TEST_CASE("udp-batch under Wine: USO socket option refused, USO cmsg accepted but not segmented",
          "[wine][udp-batch]") {
    if (const auto why = netdiag::testing::wine_unavailable(); !why.empty()) {
        NETDIAG_SKIP("wine", why);
    }
    const auto run = netdiag::testing::run_under_wine(
        "src/cli/netdiag.exe",
        "probe udp-batch --format json --udp-measure-ms 50 --udp-size 1000 "
        "--udp-batch 4");
    INFO(run.err);
    const auto& out = run.out;
    REQUIRE_FALSE(out.empty());  // Wine is here: a missing report is a failure, not a skip
    const auto report = nlohmann::json::parse(out);
    const auto& probe = report["probes"][0];
    INFO(probe.dump(1));
    CHECK(probe["status"] == "fail");

    const auto* unbatched =
        netdiag::test::find_by(probe["measurements"]["paths"], "path", "per-datagram");
    REQUIRE(unbatched != nullptr);
    CHECK((*unbatched)["plain"]["status"] == "accepted");
    CHECK((*unbatched)["plain_delivery"]["delivered"] == 4);
    CHECK((*unbatched)["plain_delivery"]["unsegmented"] == 0);

    const auto* sockopt =
        netdiag::test::find_by(probe["measurements"]["paths"], "path", "segmentation-sockopt");
    REQUIRE(sockopt != nullptr);
    CHECK((*sockopt)["plain"]["status"] == "rejected");
    CHECK((*sockopt)["plain"]["error"]["errno"] == 10022);
    CHECK((*sockopt)["plain"]["error"]["errno_name"] == "WSAEINVAL");

    const auto* cmsg =
        netdiag::test::find_by(probe["measurements"]["paths"], "path", "segmentation-cmsg");
    REQUIRE(cmsg != nullptr);
    CHECK((*cmsg)["plain"]["status"] == "accepted");
    CHECK((*cmsg)["plain_delivery"]["unsegmented"] == 1);
    CHECK((*cmsg)["plain_delivery"]["largest_unsegmented"] == 4000);

    bool rejected_finding = false;
    bool unsegmented_finding = false;
    for (const auto& f : probe["findings"]) {
        rejected_finding = rejected_finding ||
                           (f["id"] == "ND-UDP-001" && f["evidence"]["error"]["errno"] == 10022);
        unsegmented_finding = unsegmented_finding || f["id"] == "ND-UDP-002";
    }
    CHECK(rejected_finding);
    CHECK(unsegmented_finding);
}

// Wine does not know IP_RECVECN / IPV6_RECVECN (10042), which is what stops QUIC endpoints
// (quinn, iroh) under Wine and Proton, and refuses UDP_RECV_MAX_COALESCED_SIZE with 10022: no
// receive coalescing, a fact rather than a fault.
TEST_CASE("udp-batch under Wine: ECN option refused with 10042, receive coalescing not supported",
          "[wine][udp-batch]") {
    if (const auto why = netdiag::testing::wine_unavailable(); !why.empty()) {
        NETDIAG_SKIP("wine", why);
    }
    const auto run = netdiag::testing::run_under_wine(
        "src/cli/netdiag.exe", "probe udp-batch --format json --udp-measure-ms 0");
    INFO(run.err);
    REQUIRE_FALSE(run.out.empty());
    const auto report = nlohmann::json::parse(run.out);
    const auto& probe = report["probes"][0];
    INFO(probe.dump(1));
    const auto& receive = probe["measurements"]["receive"];
    REQUIRE(receive["ecn"].size() == 2);
    for (const auto& family : receive["ecn"]) {
        CHECK(family["verdict"] == "option-refused");
        CHECK(family["receive_option_error"]["errno"] == 10042);
        CHECK(family["receive_option_error"]["errno_name"] == "WSAENOPROTOOPT");
        CHECK(family["send"]["status"] == "accepted");  // the IP_ECN control message is taken
        CHECK(family["mark_read"].is_null());
    }
    CHECK(receive["ecn"][0]["receive_option"] == "IP_RECVECN");
    CHECK(receive["ecn"][1]["receive_option"] == "IPV6_RECVECN");
    CHECK(receive["coalescing"]["option"] == "UDP_RECV_MAX_COALESCED_SIZE");
    CHECK(receive["coalescing"]["verdict"] == "not-supported");
    CHECK(receive["coalescing"]["option_error"]["errno"] == 10022);

    const auto* ecn = netdiag::test::find_by(probe["findings"], "id", "ND-UDP-013");
    REQUIRE(ecn != nullptr);
    CHECK((*ecn)["severity"] == "error");
    CHECK((*ecn)["evidence"]["refused"][0]["errno"] == 10042);
    CHECK((*ecn)["evidence"]["refused"].size() == 2);
    CHECK(netdiag::test::find_by(probe["findings"], "id", "ND-UDP-014") == nullptr);
    CHECK(netdiag::test::find_by(probe["findings"], "id", "ND-UDP-015") == nullptr);
}
