// The Windows Firewall judgement on recorded facts: network category (Public, Private) × the
// profile's default inbound action (block, allow) × a matching rule (none, allow, block), and
// the facts it must not guess about (a COM call that failed, an adapter on no network). Pure
// code: the same cases run in the native and the Windows unit tests.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <string>

#include "firewall/inbound_judgement.hpp"
#include "firewall/listener_verdicts.hpp"
#include "firewall/probe_needs.hpp"
#include "firewall/rule_match.hpp"
#include "probes/spice/spice_options.hpp"

using namespace netdiag;
namespace pf = netdiag::platform::firewall;

namespace {

constexpr const char* kAdapter = "{5A1B2C3D-0000-4000-8000-00000000E7E1}";
constexpr const char* kSelf = R"(C:\Tools\netdiag.exe)";

pf::Profile profile(unsigned type, bool default_block, bool block_all = false) {
    pf::Profile p;
    p.type = type;
    p.enabled = true;
    p.default_inbound_block = default_block;
    p.block_all_inbound = block_all;
    return p;
}

// One Ethernet adapter on a network of `category`; every profile with the same default.
pf::HostFirewall host(unsigned category, bool default_block) {
    pf::HostFirewall fw;
    fw.applicable = true;
    fw.networks_read = fw.policy_read = fw.rules_read = true;
    pf::Network network;
    network.name = "Network 3";
    network.category = category;
    network.adapter_ids = {kAdapter};
    fw.networks = {network};
    for (const unsigned type : {pf::kDomain, pf::kPrivate, pf::kPublic}) {
        fw.profiles.push_back(profile(type, default_block));
    }
    return fw;
}

pf::Rule rule(std::string name, bool allow, std::string ports = "7446",
              unsigned profiles = pf::kAllProfiles, std::string program = "") {
    pf::Rule r;
    r.name = std::move(name);
    r.allow = allow;
    r.protocol = pf::kUdp;
    r.local_ports = std::move(ports);
    r.local_addresses = "*";
    r.profiles = profiles;
    r.program = std::move(program);
    return r;
}

fw::InboundQuestion multicast_question() {
    fw::InboundQuestion q;
    q.probe = "multicast";
    q.need = {.what = "multicast 224.0.0.224:7446",
              .protocol = pf::kUdp,
              .port_first = 7446,
              .port_last = 7446,
              .local_address = "224.0.0.224"};
    q.programs = {kSelf};
    q.adapter_id = kAdapter;
    q.adapter_name = "Ethernet 2";
    return q;
}

bool has_remedy(const Finding& f, std::string_view text) {
    for (const auto& line : f.remedy) {
        if (line.find(text) != std::string::npos) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("firewall judgement: category x default action x matching rule", "[firewall]") {
    struct Case {
        unsigned category;
        bool default_block;
        int rule;  // 0 none, 1 allow, 2 block
        fw::InboundOutcome outcome;
        const char* finding;  // "" for none
    };
    using O = fw::InboundOutcome;
    const Case cases[] = {
        {pf::kPublic, true, 0, O::blocked_by_default, "ND-FW-001"},
        {pf::kPublic, true, 1, O::allowed_by_rule, ""},
        {pf::kPublic, true, 2, O::blocked_by_rule, "ND-FW-002"},
        {pf::kPublic, false, 0, O::allowed_by_default, ""},
        {pf::kPublic, false, 1, O::allowed_by_rule, ""},
        {pf::kPublic, false, 2, O::blocked_by_rule, "ND-FW-002"},
        {pf::kPrivate, true, 0, O::blocked_by_default, "ND-FW-001"},
        {pf::kPrivate, true, 1, O::allowed_by_rule, ""},
        {pf::kPrivate, true, 2, O::blocked_by_rule, "ND-FW-002"},
        {pf::kPrivate, false, 0, O::allowed_by_default, ""},
        {pf::kPrivate, false, 1, O::allowed_by_rule, ""},
        {pf::kPrivate, false, 2, O::blocked_by_rule, "ND-FW-002"},
    };
    for (const auto& c : cases) {
        auto fw = host(c.category, c.default_block);
        // An allow rule is there in the block case too: block rules win over allow rules.
        if (c.rule >= 1) fw.rules.push_back(rule("Zenoh scouting in", true));
        if (c.rule == 2) fw.rules.push_back(rule("Block Zenoh", false));
        const auto q = multicast_question();
        const auto verdict = fw::judge_inbound(fw, q);
        const auto finding = fw::inbound_finding(verdict, q);
        CAPTURE(std::string(pf::profile_name(c.category)), c.default_block, c.rule, verdict.reason);
        CHECK(verdict.outcome == c.outcome);
        CHECK(verdict.profile == c.category);
        CHECK(verdict.network == "Network 3");
        if (std::string_view(c.finding).empty()) {
            CHECK_FALSE(finding.has_value());
            continue;
        }
        REQUIRE(finding.has_value());
        CHECK(finding->id == c.finding);
        CHECK(finding->probe == "multicast");
        CHECK(finding->docs == std::string("docs/findings/") + c.finding + ".md");
        CHECK(finding->evidence["profile"] == std::string(pf::profile_name(c.category)));
        CHECK(finding->evidence["adapter"] == "Ethernet 2");
        CHECK(finding->evidence["adapter_id"] == kAdapter);
        if (c.rule == 2) {
            CHECK(finding->severity == Severity::error);
            CHECK_THAT(finding->title, Catch::Contains("\"Block Zenoh\""));
            CHECK(finding->evidence["rule"]["name"] == "Block Zenoh");
            CHECK(finding->evidence["rule"]["action"] == "block");
            CHECK(has_remedy(*finding, "Disable-NetFirewallRule -DisplayName \"Block Zenoh\""));
        } else {
            CHECK(finding->severity == Severity::warning);
            CHECK_THAT(finding->title, Catch::Contains(std::string(pf::profile_name(c.category)) +
                                                       " profile blocks"));
            CHECK_THAT(finding->title, Catch::Contains("Ethernet 2"));
            CHECK(has_remedy(*finding,
                             "New-NetFirewallRule -DisplayName \"multicast 224.0.0.224:7446\" "
                             "-Direction Inbound -Action Allow -Protocol UDP -LocalPort 7446"));
            // Making the network Private only helps when it is Public.
            CHECK(has_remedy(*finding,
                             "Set-NetConnectionProfile -InterfaceAlias \"Ethernet 2\" "
                             "-NetworkCategory Private") == (c.category == pf::kPublic));
        }
    }
}

TEST_CASE("firewall judgement: a rule counts only for its profiles, program, port and address",
          "[firewall]") {
    const auto q = multicast_question();
    auto judge = [&](pf::Rule r) {
        auto fw = host(pf::kPublic, true);
        fw.rules.push_back(std::move(r));
        return fw::judge_inbound(fw, q).outcome;
    };
    using O = fw::InboundOutcome;
    CHECK(judge(rule("private only", true, "7446", pf::kPrivate)) == O::blocked_by_default);
    CHECK(judge(rule("public", true, "7446", pf::kPublic)) == O::allowed_by_rule);
    CHECK(judge(rule("other program", true, "*", pf::kAllProfiles, R"(C:\Games\x.exe)")) ==
          O::blocked_by_default);
    CHECK(judge(rule("this program", true, "*", pf::kAllProfiles, "c:/tools/NETDIAG.exe")) ==
          O::allowed_by_rule);
    CHECK(judge(rule("other port", true, "5353")) == O::blocked_by_default);
    CHECK(judge(rule("range", true, "7000-8000,9000")) == O::allowed_by_rule);
    auto tcp = rule("tcp", true);
    tcp.protocol = pf::kTcp;
    CHECK(judge(tcp) == O::blocked_by_default);
    auto any_protocol = rule("any protocol", true, "");
    any_protocol.protocol = pf::kAnyProtocol;
    CHECK(judge(any_protocol) == O::allowed_by_rule);
    auto outbound = rule("outbound", true);
    outbound.inbound = false;
    CHECK(judge(outbound) == O::blocked_by_default);
    auto subnet = rule("local subnet", true);
    subnet.local_addresses = "LocalSubnet";  // a multicast group is in no subnet
    CHECK(judge(subnet) == O::blocked_by_default);
    auto group = rule("group", true);
    group.local_addresses = "224.0.0.0/240.0.0.0";
    CHECK(judge(group) == O::allowed_by_rule);
    auto other_group = rule("other group", false);
    other_group.local_addresses = "239.255.255.250/255.255.255.255";
    CHECK(judge(other_group) == O::blocked_by_default);
}

TEST_CASE("firewall judgement: block-all, firewall off, adapter on no network", "[firewall]") {
    const auto q = multicast_question();
    using O = fw::InboundOutcome;

    auto block_all = host(pf::kPublic, true);
    block_all.profiles.back() = profile(pf::kPublic, true, true);
    block_all.rules.push_back(rule("Zenoh scouting in", true));
    const auto v = fw::judge_inbound(block_all, q);
    CHECK(v.outcome == O::blocked_all);
    const auto f = fw::inbound_finding(v, q);
    REQUIRE(f.has_value());
    CHECK(f->id == "ND-FW-003");
    CHECK(has_remedy(*f, "Set-NetFirewallProfile -Profile Public -AllowInboundRules True"));

    auto off = host(pf::kPublic, true);
    off.profiles.back().enabled = false;
    CHECK(fw::judge_inbound(off, q).outcome == O::firewall_off);

    auto elsewhere = host(pf::kPublic, true);
    elsewhere.networks.front().adapter_ids = {"{00000000-1111-2222-3333-444444444444}"};
    CHECK(fw::judge_inbound(elsewhere, q).outcome == O::not_on_a_network);

    // Adapter ids compare without case: the NLM and the adapter list may spell them apart.
    auto lower = host(pf::kPublic, true);
    lower.networks.front().adapter_ids = {"{5a1b2c3d-0000-4000-8000-00000000e7e1}"};
    CHECK(fw::judge_inbound(lower, q).outcome == O::blocked_by_default);

    CHECK(fw::judge_inbound(pf::HostFirewall{}, q).outcome == O::not_applicable);
}

TEST_CASE("firewall judgement: what COM did not answer is undecided with its HRESULT",
          "[firewall]") {
    const auto q = multicast_question();
    using O = fw::InboundOutcome;

    auto no_rules = host(pf::kPublic, true);
    no_rules.rules_read = false;
    no_rules.rules_undecided = pf::undecided_call("INetFwRules::get__NewEnum", 0x80004001);
    const auto v = fw::judge_inbound(no_rules, q);
    CHECK(v.outcome == O::undecided);
    CHECK_THAT(v.reason, Catch::Contains("INetFwRules::get__NewEnum: E_NOTIMPL (0x80004001)"));
    CHECK_FALSE(fw::inbound_finding(v, q).has_value());

    auto no_class = host(pf::kPublic, true);
    no_class.networks_read = false;
    no_class.networks_undecided =
        pf::undecided_call("CoCreateInstance(NetworkListManager)", 0x80040154);
    CHECK_THAT(fw::judge_inbound(no_class, q).reason, Catch::Contains("REGDB_E_CLASSNOTREG"));

    auto no_default = host(pf::kPublic, true);
    no_default.profiles.back().default_inbound_block.reset();
    CHECK(fw::judge_inbound(no_default, q).outcome == O::undecided);

    // An allow rule does not decide while "block all inbound" is unknown.
    auto unknown_block_all = host(pf::kPublic, true);
    unknown_block_all.profiles.back().block_all_inbound.reset();
    unknown_block_all.rules.push_back(rule("Zenoh scouting in", true));
    CHECK(fw::judge_inbound(unknown_block_all, q).outcome == O::undecided);

    CHECK(pf::hresult_name(0x80004001) == "E_NOTIMPL");
    CHECK(pf::hresult_name(0x12345678).empty());
    CHECK(pf::undecided_call("X::y", 0x12345678).describe() == "X::y: HRESULT 0x12345678");
}

TEST_CASE("firewall rules: port and address lists as INetFwRule writes them", "[firewall]") {
    CHECK(fw::ports_overlap("*", 7446, 7446));
    CHECK(fw::ports_overlap("", 7446, 7446));
    CHECK(fw::ports_overlap("80, 7446", 7446, 7446));
    CHECK(fw::ports_overlap("50000-50010", 49152, 65535));
    CHECK_FALSE(fw::ports_overlap("RPC", 7446, 7446));
    CHECK_FALSE(fw::ports_overlap("7447-8000", 7446, 7446));
    CHECK(fw::addresses_cover("*", "224.0.0.224"));
    CHECK(fw::addresses_cover("224.0.0.224/255.255.255.255", "224.0.0.224"));
    CHECK(fw::addresses_cover("224.0.0.1-224.0.0.255", "224.0.0.224"));
    CHECK_FALSE(fw::addresses_cover("10.0.0.0/8", "224.0.0.224"));
    CHECK(fw::addresses_cover("LocalSubnet", ""));
    CHECK_FALSE(fw::addresses_cover("LocalSubnet", "224.0.0.224"));

    ProbeOptions options;
    options.edit<probes::spice::SpiceOptions>().targets = {"vmhost:5930"};
    options.edit<SharedProbeOptions>().firewall_programs = {R"(C:\dora\dora.exe)"};
    const auto needs = fw::needs_for(options, kSelf);
    CHECK(needs.programs == std::vector<std::string>{kSelf, R"(C:\dora\dora.exe)"});
    const std::vector<pf::Rule> rules{
        rule("zenoh", true), rule("dns", true, "53"),
        rule("dora", true, "9999", pf::kAllProfiles, R"(C:\dora\dora.exe)"),
        rule("chrome", true, "9999", pf::kAllProfiles, R"(C:\chrome.exe)")};
    std::vector<std::string> kept;
    for (const auto& r : fw::relevant_rules(rules, needs)) kept.push_back(r.name);
    CHECK(kept == std::vector<std::string>{"zenoh", "dora"});
}

TEST_CASE("firewall judgement joined to peer: one line per adapter and need", "[firewall]") {
    platform::HostSnapshot snapshot;
    platform::NetInterface eth;
    eth.name = kAdapter;
    eth.friendly_name = "Ethernet 2";
    eth.flags.up = eth.flags.running = true;
    eth.addresses = {{"ipv4", "192.0.2.2", 24}};
    platform::NetInterface lo;
    lo.name = "lo";
    lo.flags.up = lo.flags.loopback = true;
    lo.addresses = {{"ipv4", "127.0.0.1", 8}};
    snapshot.interfaces = {lo, eth};
    const auto needs = fw::peer_needs(47100);

    CHECK(fw::listener_firewall_lines(snapshot, "0.0.0.0", needs, {kSelf}).empty());

    snapshot.firewall = host(pf::kPublic, true);
    auto allow_tcp = rule("peer tcp", true, "47100");
    allow_tcp.protocol = pf::kTcp;
    snapshot.firewall.rules.push_back(allow_tcp);
    const auto lines = fw::listener_firewall_lines(snapshot, "0.0.0.0", needs, {kSelf});
    REQUIRE(lines.size() == 2);  // UDP and TCP on Ethernet 2; loopback is not filtered
    CHECK_THAT(lines[0], Catch::StartsWith("warning ND-FW-001: Windows Firewall's public profile "
                                           "blocks netdiag peer UDP 47100 on Ethernet 2"));
    CHECK_THAT(lines[1], Catch::Contains("allowed-by-rule (allow rule \"peer tcp\" matches)"));
    CHECK(fw::listener_firewall_lines(snapshot, "10.9.9.9", needs, {kSelf}).empty());
}
