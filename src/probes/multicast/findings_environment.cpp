// Findings about where netdiag runs and who answered: ND-MCAST-005 (WSL1), ND-MCAST-010 (WSL2
// NAT networking), ND-MCAST-008/009 (Zenoh peers answered / none did).
#include <map>
#include <set>

#include "probes/multicast/findings_common.hpp"
#include "probes/multicast/multicast_findings.hpp"

namespace netdiag::probes::multicast {

void judge_environment(const MulticastFacts& facts, std::vector<Finding>& out) {
    if (facts.wsl == platform::WslKind::wsl1) {
        auto f = make_finding(kWsl1, Severity::error,
                              "WSL1: multicast goes through Windows' socket translation");
        f.detail =
            "This is WSL1: Linux sockets are translated to Windows sockets, which refuse a bind "
            "to a multicast address (Zenoh gets `Cannot assign requested address (os error "
            "99)`) and do not implement every multicast option";
        f.evidence = {{"wsl", "wsl1"}};
        f.remedy = {"Convert the distribution to WSL2 (PowerShell): wsl --set-version DISTRO 2",
                    "Or run the program natively on Windows", zenoh_without_multicast_remedy()};
        out.push_back(std::move(f));
    }
    if (facts.wsl == platform::WslKind::wsl2 && facts.wsl_networking != "mirrored") {
        const auto mode = facts.wsl_networking.empty() ? std::string("NAT (default) or unknown")
                                                       : facts.wsl_networking;
        auto f = make_finding(kWsl2Nat, Severity::warning,
                              "WSL2 with NAT networking: multicast stays inside the VM");
        f.detail = fmt::format(
            "WSL2 networking mode: {}. With NAT, the distribution sits behind a virtual switch: "
            "multicast reaches other programs in the same VM but not peers on the LAN or on "
            "Windows",
            mode);
        f.evidence = {{"wsl", "wsl2"}, {"networking", mode}};
        f.remedy = {
            "Use mirrored networking (Windows 11 22H2+): in %UserProfile%\\.wslconfig set "
            "[wsl2] networkingMode=mirrored, then run wsl --shutdown",
            "Allow the program through the Windows firewall (Hyper-V firewall too: "
            "Set-NetFirewallHyperVVMSetting -Name '{40E0AC32-46A5-438A-A0B2-2B479E8F2E90}' "
            "-DefaultInboundAction Allow)",
            zenoh_without_multicast_remedy()};
        out.push_back(std::move(f));
    }
}

void judge_zenoh(const MulticastFacts& facts, std::vector<Finding>& out) {
    const auto& z = facts.zenoh;
    if (!z.attempted) return;
    if (z.answers.empty()) {
        auto f =
            make_finding(kNoZenohPeers, Severity::info,
                         fmt::format("No Zenoh peer answered a Scout within {} ms", z.window_ms));
        std::string on;
        for (const auto& i : z.sent_on) on += (on.empty() ? "" : ", ") + i;
        f.detail = fmt::format("Scout sent to {} on: {}.", group_text(facts),
                               on.empty() ? "no interface" : on);
        for (const auto& e : z.send_errors) f.detail += " Send failed on " + e + ".";
        for (const auto& u : z.undecodable) f.detail += " Undecodable reply from " + u + ".";
        f.evidence = {{"window_ms", z.window_ms}, {"interfaces", on}};
        f.remedy = {
            "Nothing to fix if no Zenoh router or peer should be running nearby; start "
            "one (zenohd) to check discovery end to end"};
        out.push_back(std::move(f));
        return;
    }
    std::map<std::string, std::set<std::string>> by_interface;
    std::set<std::string> all;
    std::set<int> versions;
    std::string listing;
    for (const auto& a : z.answers) {
        const auto zid = proto::zenoh::zid_hex(a.hello.zid);
        by_interface[a.interface].insert(zid);
        all.insert(zid);
        versions.insert(a.hello.version);
        std::string locators;
        for (const auto& l : a.hello.locators) locators += (locators.empty() ? "" : ", ") + l;
        listing +=
            fmt::format("{}Hello {{ zid: {}, whatami: {}, locators: [{}] }} from {} on {}",
                        listing.empty() ? "" : "; ", zid, proto::zenoh::to_string(a.hello.whatami),
                        locators, a.source, a.interface);
    }
    // "2 Zenoh nodes answered on eth0": distinct ids, and the interfaces they answered on.
    // The kernel's default choice is only named when no named interface got an answer.
    std::string interfaces;
    for (const auto& [iface, zids] : by_interface) {
        if (iface == "(default)" && by_interface.size() > 1) continue;
        interfaces += (interfaces.empty() ? "" : ", ") + iface;
    }
    const auto title = fmt::format("{} Zenoh {} answered on {}", all.size(),
                                   all.size() == 1 ? "node" : "nodes", interfaces);
    auto f = make_finding(kZenohPeers, Severity::info, title);
    f.detail = listing;
    std::string version_text;
    for (int v : versions)
        version_text += fmt::format("{}0x{:02x}", version_text.empty() ? "" : ",", v);
    f.evidence = {{"nodes", all.size()}, {"versions", version_text}, {"window_ms", z.window_ms}};
    for (const auto& u : z.undecodable) f.detail += "; undecodable reply from " + u;
    out.push_back(std::move(f));
}

}  // namespace netdiag::probes::multicast
