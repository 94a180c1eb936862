// Probe udp-batch as the Windows build runs it under Wine: Wine refuses the UDP_SEND_MSG_SIZE
// socket option with WSAEINVAL (10022) and ignores it as a WSASendMsg control message (one big
// datagram arrives). The probe must report both, and pass the unbatched path.
// Needs the Windows build (scripts/test-windows.sh) and wine64; SKIPPED with the reason
// otherwise. NETDIAG_WINDOWS_EXE overrides where netdiag.exe is looked for.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "run_binary.hpp"

namespace {

std::string windows_exe() {
    if (const char* env = std::getenv("NETDIAG_WINDOWS_EXE")) return env;
    for (const auto* dir : {"build/windows", "build/udp-win", "build/win"}) {
        const auto path = std::filesystem::path(NETDIAG_SOURCE_DIR) / dir / "src/cli/netdiag.exe";
        if (std::filesystem::exists(path)) return path.string();
    }
    return {};
}

const nlohmann::json* path_of(const nlohmann::json& probe, const std::string& name) {
    for (const auto& p : probe["measurements"]["paths"]) {
        if (p["path"] == name) return &p;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("udp-batch under Wine: USO socket option refused, USO cmsg accepted but not segmented") {
    const std::string wine = "/usr/lib/wine/wine64";
    const auto exe = windows_exe();
    if (exe.empty()) {
        WARN("SKIPPED: no Windows build of netdiag.exe (run scripts/test-windows.sh)");
        return;
    }
    if (!std::filesystem::exists(wine)) {
        WARN("SKIPPED: wine64 is not installed");
        return;
    }
    const auto prefix =
        std::filesystem::path(exe).parent_path().parent_path().parent_path() / "wineprefix";
    const std::string command =
        "WINEPREFIX='" + prefix.string() + "' WINEDEBUG=-all '" + wine + "' '" + exe +
        "' probe udp-batch --format json --udp-measure-ms 50 --udp-size 1000 "
        "--udp-batch 4 >/tmp/netdiag-udp-wine.json 2>/tmp/netdiag-udp-wine.err";
    const int status = std::system(command.c_str());
    const auto out = netdiag::testing::slurp("/tmp/netdiag-udp-wine.json");
    INFO(netdiag::testing::slurp("/tmp/netdiag-udp-wine.err"));
    if (out.empty()) {
        WARN("SKIPPED: Wine could not run netdiag.exe here (status " << status << ")");
        return;
    }
    const auto report = nlohmann::json::parse(out);
    const auto& probe = report["probes"][0];
    INFO(probe.dump(1));
    CHECK(probe["status"] == "fail");

    const auto* unbatched = path_of(probe, "per-datagram");
    REQUIRE(unbatched != nullptr);
    CHECK((*unbatched)["plain"]["status"] == "accepted");
    CHECK((*unbatched)["plain_delivery"]["delivered"] == 4);
    CHECK((*unbatched)["plain_delivery"]["unsegmented"] == 0);

    const auto* sockopt = path_of(probe, "segmentation-sockopt");
    REQUIRE(sockopt != nullptr);
    CHECK((*sockopt)["plain"]["status"] == "rejected");
    CHECK((*sockopt)["plain"]["error"]["errno"] == 10022);
    CHECK((*sockopt)["plain"]["error"]["errno_name"] == "WSAEINVAL");

    const auto* cmsg = path_of(probe, "segmentation-cmsg");
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
