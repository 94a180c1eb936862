// Link power facts through the netdiag binary: read from this host's kernel (ETHTOOL_MSG_EEE_GET
// unprivileged, the ASPM policy) and from a fixture tree with a recorded EEE reply, with the
// findings and the HTML host table.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "power_finding_ids.hpp"
#include "run_binary.hpp"

using netdiag::testing::run_netdiag;
using nlohmann::json;

namespace {

const std::string kFixtureRoot = NETDIAG_FIXTURES_DIR;

}  // namespace

TEST_CASE("probe host on this host: EEE asked of each adapter's driver, nothing guessed",
          "[own-ports]") {
    // As an unprivileged user would: the netlink GET needs no capability.
    const auto run = run_netdiag("probe host --format json",
                                 "setpriv --reuid=65534 --regid=65534 --clear-groups ");
    INFO(run.err);
    const auto report = json::parse(run.out);
    const auto& host = report["host"];
    INFO(host.dump(1));
    int asked = 0;
    for (const auto& i : host["interfaces"]) {
        const auto bus = i["bus"].get<std::string>();
        const auto& eee = i["power"]["eee"];
        if (bus != "usb" && bus != "pci") {
            CHECK(eee.is_null());  // virtual interfaces are not asked
            continue;
        }
        ++asked;
        REQUIRE(eee.is_object());
        CHECK(eee["source"] == "netlink");  // 5.6 and later have the ethtool family
        const bool read = eee["enabled"].is_boolean();
        const bool undecided = !eee["error"].get<std::string>().empty();
        CHECK(read != undecided);  // a value or the reason, never both, never neither
    }
    CAPTURE(asked);
    const auto& power = host["power"];
    CHECK(power["aspm_policy"].get<std::string>().empty() !=
          power["aspm_policy_error"].get<std::string>().empty());
    CHECK(power["plan"].is_null());
    // This host's adapters (virtio here) have no power feature that drops links.
    CHECK(netdiag::test::power_finding_ids(report["probes"][0]).empty());
}

TEST_CASE("igc fixture through the binary: EEE and ASPM findings, power in the HTML host table",
          "[own-ports]") {
    const std::string env = "NETDIAG_SYSROOT=\"" + kFixtureRoot + "/sysroot/igc-eee-aspm\" ";
    const auto run = run_netdiag("probe host --format json", env);
    const auto report = json::parse(run.out);
    CHECK(netdiag::test::power_finding_ids(report["probes"][0]) ==
          std::vector<std::string>{"ND-HOST-007", "ND-HOST-008"});
    CHECK(report["probes"][0]["status"] == "warn");

    const auto html = run_netdiag("probe host --format html", env);
    CHECK(html.out.find("<th>power</th>") != std::string::npos);
    CHECK(html.out.find("EEE active · ASPM l1, l1_1") != std::string::npos);
    CHECK(html.out.find("<th>PCIe ASPM policy</th><td>powersave</td>") != std::string::npos);

    const std::string quiet = "NETDIAG_SYSROOT=\"" + kFixtureRoot + "/sysroot/igc-power-off\" ";
    const auto healthy = json::parse(run_netdiag("probe host --format json", quiet).out);
    CHECK(healthy["probes"][0]["findings"].empty());
    CHECK(healthy["probes"][0]["status"] == "pass");
}
