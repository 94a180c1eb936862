// Link power facts and their findings: recorded ETHTOOL_MSG_EEE_GET replies, fixture trees with
// a PCIe adapter's ASPM states, Windows adapter facts as the registry reader fills them, and
// the join with what `watch` recorded.
#include <catch2/catch.hpp>

#include "finding_ids.hpp"
#include "test_skip.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "netdiag/link_power.hpp"
#include "platform/portable/ethtool_eee.hpp"
#include "platform/portable/sysfs_reader.hpp"
#include "probes/host/host_probe.hpp"
#include "probes/host/link_power_findings.hpp"
#include "watch/watch_findings.hpp"

using namespace netdiag;
using namespace netdiag::platform;
using namespace netdiag::probes::host;

namespace {

const std::string kFixtures = NETDIAG_FIXTURES_DIR;

linux_fs::Bytes recorded(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    const auto bytes = linux_fs::bytes_from_hex(text.str());
    REQUIRE(bytes.has_value());
    return *bytes;
}

[[maybe_unused]] HostSnapshot fixture_snapshot(const std::string& name) {
    linux_fs::SysfsReader reader(kFixtures + "/sysroot/" + name);
    HostSnapshot s;
    s.facts = reader.host_facts();
    s.interfaces = reader.interfaces();
    s.default_routes = reader.default_routes(s.interfaces);
    s.power = reader.host_power();
    return s;
}

[[maybe_unused]] bool links_visible(const std::string& name) {
    std::error_code ec;
    return std::filesystem::is_symlink(std::filesystem::symlink_status(
        kFixtures + "/sysroot/" + name + "/sys/class/net/enp3s0/device", ec));
}

[[maybe_unused]] const NetInterface& interface_named(const HostSnapshot& s,
                                                     const std::string& name) {
    const auto it = std::find_if(s.interfaces.begin(), s.interfaces.end(),
                                 [&](const auto& i) { return i.name == name; });
    REQUIRE(it != s.interfaces.end());
    return *it;
}

// A Windows dock adapter as read from its class key: what win_adapter_power.cpp fills.
// The power findings among the host probe's: a USB adapter on the default route also gets the
// informational ND-HOST-005, which is not what these cases judge.
std::vector<Finding> power_findings(const std::vector<Finding>& all) {
    std::vector<Finding> out;
    for (const auto& f : all) {
        if (f.id == kWindowsPowerOff || f.id == kEeeActive || f.id == kAspmActive) out.push_back(f);
    }
    return out;
}

HostSnapshot windows_dock(std::optional<unsigned> pnp, const std::string& selective_suspend) {
    HostSnapshot host;
    host.facts.os = "windows";
    NetInterface nic;
    nic.name = "{5D2E8F41-7C1A-4B6E-9F3D-2A1B0C9D8E7F}";
    nic.friendly_name = "Ethernet 3";
    nic.driver = "Realtek USB GbE Family Controller";
    nic.bus = "usb";
    WindowsAdapterPower w;
    w.class_key = "0012";
    w.pnp_capabilities = pnp;
    w.properties = {{"*SelectiveSuspend", "REG_SZ", selective_suspend},
                    {"*SSIdleTimeout", "REG_SZ", "5"}};
    nic.power.windows = w;
    host.interfaces.push_back(nic);
    host.default_routes.push_back({"ipv4", "0.0.0.0", 0, "192.168.1.1", nic.name, 7, 25});
    PowerPlan plan;
    plan.scheme_guid = "381b4222-f694-41f0-9685-ff5bb260df2e";
    plan.usb_selective_suspend_ac = 1;
    plan.usb_selective_suspend_dc = 1;
    host.power.plan = plan;
    return host;
}

}  // namespace

TEST_CASE("EEE reply recorded from virtio_net: EOPNOTSUPP, an undecided fact") {
    const auto reply =
        linux_fs::parse_eee_reply(recorded(kFixtures + "/netlink/eee-get-virtio-eopnotsupp.hex"));
    CHECK(reply.error == 95);
    CHECK(reply.malformed.empty());
    CHECK_FALSE(reply.enabled.has_value());
    CHECK_FALSE(reply.active.has_value());
    CHECK(linux_fs::eee_error_text(reply.error).rfind("EOPNOTSUPP (95)", 0) == 0);
}

TEST_CASE("EEE reply with EEE active, and replies that are cut short") {
    const auto bytes =
        recorded(kFixtures + "/sysroot/igc-eee-aspm/netdiag-recorded/ethtool-eee/enp3s0.hex");
    const auto reply = linux_fs::parse_eee_reply(bytes);
    CHECK(reply.error == 0);
    CHECK(reply.malformed.empty());
    CHECK(reply.enabled == true);
    CHECK(reply.active == true);

    auto cut = bytes;
    cut.resize(bytes.size() - 6);  // the length field now runs past the end
    CHECK_FALSE(linux_fs::parse_eee_reply(cut).malformed.empty());
    CHECK_FALSE(linux_fs::parse_eee_reply({}).malformed.empty());
    auto wrong = bytes;
    wrong[16] = 7;  // another ethtool reply (DEBUG_GET_REPLY)
    CHECK(linux_fs::parse_eee_reply(wrong).malformed == "not an ETHTOOL_MSG_EEE_GET_REPLY");
    CHECK_FALSE(linux_fs::bytes_from_hex("38z0").has_value());
}

TEST_CASE("EEE request: the bytes the kernel answered above") {
    // What the recorded virtio reply echoes back after its error code: the request netdiag sent.
    const auto echoed = recorded(kFixtures + "/netlink/eee-get-virtio-eopnotsupp.hex");
    auto request = linux_fs::eee_get_request(21, 2, "eth0");
    REQUIRE(request.size() == 36);
    const linux_fs::Bytes inner(echoed.begin() + 20, echoed.end());
    // Same bytes except the sequence and port ids the kernel filled in.
    CHECK(std::equal(request.begin() + 16, request.end(), inner.begin() + 16));
    CHECK(std::equal(request.begin(), request.begin() + 8, inner.begin()));

    const auto family = linux_fs::ethtool_family_request(1);
    CHECK(family.size() == 32);
}

TEST_CASE("stored power values read as Windows and the kernel mean them") {
    WindowsAdapterPower w;
    CHECK_FALSE(windows_turn_off_allowed(w).has_value());  // no key: undecided
    w.class_key = "0001";
    CHECK(windows_turn_off_allowed(w) == true);  // value absent: Windows' default
    for (const unsigned allowed : {0u, 256u, 272u}) {
        w.pnp_capabilities = allowed;
        CHECK(windows_turn_off_allowed(w) == true);
    }
    for (const unsigned off : {24u, 280u}) {
        w.pnp_capabilities = off;
        CHECK(windows_turn_off_allowed(w) == false);
    }
    w.properties = {{"*EEE", "REG_SZ", "1"},
                    {"*SelectiveSuspend", "REG_SZ", "0"},
                    {"EnableGreenEthernet", "REG_SZ", "On"}};
    CHECK(property_enabled(w, "*eee") == true);
    CHECK(property_enabled(w, "*SelectiveSuspend") == false);
    CHECK_FALSE(property_enabled(w, "EnableGreenEthernet").has_value());
    CHECK_FALSE(property_enabled(w, "*SSIdleTimeout").has_value());
    CHECK(is_power_property("*SSIdleTimeout"));
    CHECK(is_power_property("AdvancedEEE"));
    CHECK_FALSE(is_power_property("*SpeedDuplex"));

    CHECK(selected_aspm_policy("default performance [powersave] powersupersave") == "powersave");
    CHECK(selected_aspm_policy("[default] performance") == "default");
    CHECK(selected_aspm_policy("default performance").empty());
}

#ifndef _WIN32
TEST_CASE("igc fixture: EEE active and ASPM L1 on the default-route adapter") {
    if (!links_visible("igc-eee-aspm")) {
        NETDIAG_SKIP("symlinks", "this file system does not show the fixture's sysfs links");
    }
    const auto s = fixture_snapshot("igc-eee-aspm");
    const auto& nic = interface_named(s, "enp3s0");
    CHECK(nic.bus == "pci");
    CHECK(nic.driver == "igc");
    CHECK(nic.power.pci_address == "0000:03:00.0");
    REQUIRE(nic.power.eee.has_value());
    CHECK(nic.power.eee->source == "recorded");
    CHECK(nic.power.eee->active == true);
    CHECK(enabled_aspm_states(nic.power.aspm) == "l1, l1_1");
    CHECK(s.power.aspm_policy == "powersave");
    CHECK_FALSE(interface_named(s, "lo").power.eee.has_value());

    const auto findings = judge_host(s);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-HOST-007", "ND-HOST-008"});
    const auto& eee = findings[0];
    CHECK(eee.severity == Severity::warning);
    CHECK(eee.evidence["known_driver"] == true);
    CHECK(eee.remedy[0] == "Turn EEE off now: sudo ethtool --set-eee enp3s0 eee off");
    CHECK(eee.remedy[1].find("SUBSYSTEM==\"net\"") != std::string::npos);
    const auto& aspm = findings[1];
    CHECK(aspm.severity == Severity::warning);
    CHECK(aspm.evidence["aspm"]["l1"] == true);
    CHECK(aspm.evidence["aspm_policy"] == "powersave");
    CHECK(aspm.remedy[0].find("/sys/bus/pci/devices/0000:03:00.0/link/l1_aspm") !=
          std::string::npos);
    CHECK(aspm.remedy[0].find("link/l1_1_aspm") != std::string::npos);
    CHECK(aspm.remedy.back().find("pcie_aspm=off") != std::string::npos);
}

TEST_CASE("igc fixture with EEE and ASPM off: no power finding") {
    if (!links_visible("igc-power-off")) {
        NETDIAG_SKIP("symlinks", "this file system does not show the fixture's sysfs links");
    }
    const auto s = fixture_snapshot("igc-power-off");
    const auto& nic = interface_named(s, "enp3s0");
    REQUIRE(nic.power.eee.has_value());
    CHECK(nic.power.eee->enabled == false);
    CHECK(enabled_aspm_states(nic.power.aspm).empty());
    CHECK(s.power.aspm_policy == "default");
    CHECK(judge_host(s).empty());
}
#endif  // _WIN32

TEST_CASE("Windows: a USB dock adapter Windows may turn off is ND-HOST-006 with the commands") {
    const auto host = windows_dock(std::nullopt, "1");
    const auto findings = power_findings(judge_host(host));
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-HOST-006"});
    const auto& f = findings[0];
    CHECK(f.severity == Severity::warning);
    CHECK(f.title == "Windows may turn off Ethernet 3 to save power");
    CHECK(f.evidence["turn_off_allowed"] == true);
    CHECK(f.evidence["selective_suspend"] == true);
    CHECK(f.evidence["power_plan"]["usb_selective_suspend_ac"] == 1);
    CHECK(f.remedy[0].find("Device Manager → Network adapters → Realtek USB GbE Family "
                           "Controller → Properties → Power Management") == 0);
    CHECK(f.remedy[1].find("Set-NetAdapterPowerManagement -Name \"Ethernet 3\"") !=
          std::string::npos);
    CHECK(f.remedy.back().find("powercfg /setacvalueindex SCHEME_CURRENT "
                               "2a737441-1930-4402-8d77-b2bebba308a3") != std::string::npos);
}

TEST_CASE("Windows: power management off and no selective suspend is quiet, no key is quiet") {
    CHECK(power_findings(judge_host(windows_dock(24u, "0"))).empty());
    auto unknown = windows_dock(std::nullopt, "1");
    unknown.interfaces[0].power.windows = WindowsAdapterPower{};
    unknown.interfaces[0].power.windows->error = "no subkey has NetCfgInstanceId …";
    CHECK(power_findings(judge_host(unknown)).empty());
    // A built-in PCI adapter with Windows' default power management: nothing to say.
    auto pci = windows_dock(std::nullopt, "0");
    pci.interfaces[0].bus = "pci";
    CHECK(judge_host(pci).empty());
}

TEST_CASE("watch joins: periodic drops on the adapter raise the power finding to an error") {
    auto host = windows_dock(std::nullopt, "0");
    host.interfaces[0].bus = "pci";  // not a suspect for the host probe…
    CHECK(judge_host(host).empty());

    watch::WatchFacts facts;
    facts.watched = std::chrono::minutes(10);
    watch::InterfaceDrops d;
    d.interface_name = "Ethernet 3";  // watch names Windows adapters by alias
    for (int i = 0; i < 5; ++i) {
        d.outages.push_back(
            {std::chrono::milliseconds(i * 121000), std::chrono::milliseconds(1500), "down"});
    }
    d.intervals_s = {120, 122, 121, 121};
    d.mean_interval_s = 121;
    d.cv = 0.007;
    d.periodic = true;
    facts.drops.push_back(d);
    const auto findings = watch::judge_watch(facts, host);
    // …but after watch saw it drop every 121 s, Windows' power management is the suspect.
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-WATCH-001", "ND-HOST-006"});
    const auto& f = findings[1];
    CHECK(f.severity == Severity::error);
    CHECK(f.probe == "watch");
    CHECK(f.evidence["watch"]["drops"] == 5);
    CHECK(f.evidence["watch"]["periodic"] == true);
    CHECK(f.detail.find("netdiag watch recorded 5 periodic drops of this adapter, every 121 s") !=
          std::string::npos);

    // Drops that are not periodic: the finding says so, as a warning.
    facts.drops[0].periodic = false;
    const auto irregular = watch::judge_watch(facts, host);
    REQUIRE(irregular.size() == 2);
    CHECK(irregular[1].severity == Severity::warning);
}

#ifndef _WIN32
TEST_CASE("watch joins: EEE on any driver is a suspect once the link dropped periodically") {
    if (!links_visible("igc-eee-aspm")) {
        NETDIAG_SKIP("symlinks", "this file system does not show the fixture's sysfs links");
    }
    auto host = fixture_snapshot("igc-eee-aspm");
    host.interfaces[1].driver = "atlantic";  // not among the drivers with reports
    host.power.aspm_policy = "default";
    CHECK(judge_host(host).empty());
    watch::WatchFacts facts;
    watch::InterfaceDrops d;
    d.interface_name = "enp3s0";
    d.outages.resize(4);
    d.periodic = true;
    d.mean_interval_s = 60;
    facts.drops.push_back(d);
    const auto findings = watch::judge_watch(facts, host);
    REQUIRE(test::finding_ids(findings) ==
            std::vector<std::string>{"ND-WATCH-001", "ND-HOST-007", "ND-HOST-008"});
    CHECK(findings[1].severity == Severity::error);
    CHECK(findings[2].severity == Severity::error);
    CHECK(findings[2].detail.find("every 60 s") != std::string::npos);
}
#endif  // _WIN32
