// The multicast probe joined to the Windows Firewall facts: a datagram that never came back on
// an adapter is judged against the profile of the adapter's network and the rules (recorded
// facts; the judgement itself is tested in windows_firewall_judgement_test.cpp).
#include <catch2/catch.hpp>

#include <algorithm>

#include "probes/multicast/multicast_findings.hpp"

using namespace netdiag;
namespace pf = netdiag::platform::firewall;

namespace {

constexpr const char* kAdapter = "{5A1B2C3D-0000-4000-8000-00000000E7E1}";
constexpr const char* kSelf = R"(C:\Tools\netdiag.exe)";

// One Ethernet adapter on a Public network whose profile blocks inbound by default.
pf::HostFirewall public_default_block() {
    pf::HostFirewall fw;
    fw.applicable = true;
    fw.networks_read = fw.policy_read = fw.rules_read = true;
    pf::Network network;
    network.name = "Network 3";
    network.category = pf::kPublic;
    network.adapter_ids = {kAdapter};
    fw.networks = {network};
    for (const unsigned type : {pf::kDomain, pf::kPrivate, pf::kPublic}) {
        pf::Profile p;
        p.type = type;
        p.enabled = p.default_inbound_block = true;
        p.block_all_inbound = false;
        fw.profiles.push_back(p);
    }
    return fw;
}

bool has_firewall_finding(const std::vector<Finding>& findings) {
    return std::any_of(findings.begin(), findings.end(),
                       [](const Finding& f) { return f.id.rfind("ND-FW-", 0) == 0; });
}

}  // namespace

TEST_CASE("firewall judgement joined to multicast: a copy lost on a Public adapter",
          "[multicast][firewall]") {
    probes::multicast::MulticastFacts facts;
    facts.group = "224.0.0.224";
    facts.port = facts.test_port = 7446;
    probes::multicast::InterfaceCheck row;
    row.name = "Ethernet 2";
    row.adapter_id = kAdapter;
    row.up = row.running = row.multicast_flag = row.zenoh_uses = true;
    row.address = "192.0.2.2";
    row.tried = row.joined = row.sent = true;
    row.looped_back = false;
    facts.interfaces = {row};
    facts.route.route.found = true;
    facts.programs = {kSelf};

    // Without Windows Firewall facts (Linux): the lost copy alone, no firewall finding.
    auto findings = probes::multicast::judge_multicast(facts);
    CHECK_FALSE(has_firewall_finding(findings));

    facts.windows_firewall = public_default_block();
    findings = probes::multicast::judge_multicast(facts);
    const auto fw_finding = std::find_if(findings.begin(), findings.end(),
                                         [](const Finding& f) { return f.id == "ND-FW-001"; });
    REQUIRE(fw_finding != findings.end());
    CHECK(fw_finding->probe == "multicast");
    const auto lost = std::find_if(findings.begin(), findings.end(),
                                   [](const Finding& f) { return f.id == "ND-MCAST-004"; });
    REQUIRE(lost != findings.end());
    CHECK(lost->evidence["windows_firewall"]["verdict"] == "blocked-by-default");

    // The copy came back: nothing to explain, no firewall finding.
    facts.interfaces[0].looped_back = true;
    findings = probes::multicast::judge_multicast(facts);
    CHECK_FALSE(has_firewall_finding(findings));
}
