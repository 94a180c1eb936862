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
