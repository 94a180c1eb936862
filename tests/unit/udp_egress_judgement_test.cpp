// The egress judgement on facts written by hand: the same interface under a 6.1 and a 6.18
// kernel, the MTU rule's errno across the 2025 change and its 6.1 back-port, IPsec policies,
// facts that could not be read, and a Windows host.
#include <catch2/catch.hpp>

#include "probes/udp_batch/egress_path.hpp"
#include "probes/udp_batch/udp_findings.hpp"

namespace {

using netdiag::platform::egress::IpsecPolicy;
using netdiag::platform::egress::Known;
using netdiag::platform::udp::Family;
using netdiag::probes::udp_batch::EgressFacts;
using netdiag::probes::udp_batch::EgressStatus;
using netdiag::probes::udp_batch::judge_segmented_send;

// A healthy Linux default route: veth0, MTU 1500, checksum offload on, no IPsec.
EgressFacts healthy(std::string kernel) {
    EgressFacts facts;
    facts.route = "default route";
    facts.family = Family::ipv4;
    facts.interface_name = "veth0";
    facts.gateway = "10.0.0.1";
    facts.interface_mtu = 1500;
    facts.transmit_checksum = Known<bool>{true, {}};
    facts.ipsec = Known<std::vector<IpsecPolicy>>{std::vector<IpsecPolicy>{}, {}};
    facts.os = "linux";
    facts.kernel = std::move(kernel);
    return facts;
}

}  // namespace

TEST_CASE("egress: kernel releases are read as numbers", "[udp-batch][egress]") {
    const auto v = netdiag::probes::udp_batch::parse_kernel_release("6.1.129-amd64");
    REQUIRE(v);
    CHECK(v->major == 6);
    CHECK(v->minor == 1);
    CHECK(v->patch == 129);
    const auto two = netdiag::probes::udp_batch::parse_kernel_release("6.18-rc1");
    REQUIRE(two);
    CHECK(two->minor == 18);
    CHECK(two->patch == 0);
    CHECK_FALSE(netdiag::probes::udp_batch::parse_kernel_release("Windows"));
    CHECK_FALSE(netdiag::probes::udp_batch::parse_kernel_release(""));
    CHECK(v->at_least(6, 1, 129));
    CHECK_FALSE(v->at_least(6, 2));
}

TEST_CASE("egress: a healthy path fits on both kernels", "[udp-batch][egress]") {
    for (const char* kernel : {"6.1.0-13-amd64", "6.18.44"}) {
        const auto verdict = judge_segmented_send(healthy(kernel), 1400);
        INFO(kernel);
        CHECK(verdict.status == EgressStatus::fits);
        CHECK(verdict.largest_segment == 1472u);
        CHECK(verdict.reasons.empty());
    }
}

TEST_CASE("egress: no checksum offload is EIO on 6.1 and software segmentation on 6.18",
          "[udp-batch][egress]") {
    auto old_kernel = healthy("6.1.0-13-amd64");
    old_kernel.transmit_checksum = Known<bool>{false, {}};
    const auto on_6_1 = judge_segmented_send(old_kernel, 1200);
    CHECK(on_6_1.status == EgressStatus::fails);
    CHECK(on_6_1.expected_error == "EIO");
    REQUIRE(on_6_1.kernel_rules.size() == 1);
    CHECK_THAT(on_6_1.kernel_rules[0], Catch::Contains("6.11"));

    auto new_kernel = healthy("6.18.44");
    new_kernel.transmit_checksum = Known<bool>{false, {}};
    const auto on_6_18 = judge_segmented_send(new_kernel, 1200);
    CHECK(on_6_18.status == EgressStatus::fits);
    REQUIRE(on_6_18.notes.size() == 1);
    CHECK_THAT(on_6_18.notes[0], Catch::Contains("software"));
}

TEST_CASE("egress: a segment over the MTU gets the errno of the kernel's row",
          "[udp-batch][egress]") {
    struct Row {
        const char* kernel;
        const char* error;
    };
    for (const auto row :
         {Row{"5.15.0", "EINVAL"}, Row{"6.1.128", "EINVAL"}, Row{"6.1.129", "EMSGSIZE"},
          Row{"6.12.3", "EINVAL"}, Row{"6.14.0", "EMSGSIZE"}, Row{"6.18.44-fc", "EMSGSIZE"}}) {
        auto facts = healthy(row.kernel);
        facts.interface_mtu = 1280;
        const auto verdict = judge_segmented_send(facts, 1400);
        INFO(row.kernel);
        CHECK(verdict.status == EgressStatus::fails);
        CHECK(verdict.expected_error == row.error);
        CHECK(verdict.effective_mtu == 1280u);
        CHECK(verdict.largest_segment == 1252u);
    }
    // 1252 + 28 = 1280 exactly fits; one more byte does not.
    auto facts = healthy("6.18.44");
    facts.interface_mtu = 1280;
    CHECK(judge_segmented_send(facts, 1252).status == EgressStatus::fits);
    CHECK(judge_segmented_send(facts, 1253).status == EgressStatus::fails);
    // IPv6 headers are 48 bytes.
    facts.family = Family::ipv6;
    CHECK(judge_segmented_send(facts, 1232).status == EgressStatus::fits);
    CHECK(judge_segmented_send(facts, 1233).status == EgressStatus::fails);
}

TEST_CASE("egress: a route's own MTU (locked or not) wins over the interface's",
          "[udp-batch][egress]") {
    auto facts = healthy("6.18.44");
    facts.route_mtu.mtu = 1280;
    facts.route_mtu.locked = true;
    const auto verdict = judge_segmented_send(facts, 1400);
    CHECK(verdict.status == EgressStatus::fails);
    CHECK(verdict.effective_mtu == 1280u);
    REQUIRE_FALSE(verdict.reasons.empty());
    CHECK_THAT(verdict.reasons[0], Catch::Contains("locked MTU"));
}

TEST_CASE("egress: an IPsec policy covering the route is EIO on every kernel",
          "[udp-batch][egress]") {
    auto facts = healthy("6.18.44");
    facts.ipsec.value = std::vector<IpsecPolicy>{{Family::ipv4, "0.0.0.0", 0}};
    const auto all = judge_segmented_send(facts, 1200);
    CHECK(all.status == EgressStatus::fails);
    CHECK(all.expected_error == "EIO");

    // A policy for one network covers a destination inside it, not the default route.
    facts.ipsec.value = std::vector<IpsecPolicy>{{Family::ipv4, "10.0.0.0", 8}};
    CHECK(judge_segmented_send(facts, 1200).status == EgressStatus::fits);
    facts.route = "route to 10.1.2.3";
    facts.destination = "10.1.2.3";
    CHECK(judge_segmented_send(facts, 1200).status == EgressStatus::fails);
    facts.route = "route to 192.0.2.7";
    facts.destination = "192.0.2.7";
    CHECK(judge_segmented_send(facts, 1200).status == EgressStatus::fits);
    // An IPv6 policy does not cover IPv4 traffic.
    facts.ipsec.value = std::vector<IpsecPolicy>{{Family::ipv6, "::", 0}};
    CHECK(judge_segmented_send(facts, 1200).status == EgressStatus::fits);
}

TEST_CASE("egress: a fact that could not be read makes the verdict undecided, with the reason",
          "[udp-batch][egress]") {
    auto facts = healthy("6.18.44");
    facts.ipsec = Known<std::vector<IpsecPolicy>>::unknown(
        "reading IPsec policies needs CAP_NET_ADMIN (run as root)");
    const auto verdict = judge_segmented_send(facts, 1200);
    CHECK(verdict.status == EgressStatus::undecided);
    REQUIRE(verdict.reasons.size() == 1);
    CHECK_THAT(verdict.reasons[0], Catch::Contains("CAP_NET_ADMIN"));

    // A definite failure stands, and the unread fact is named beside it.
    facts.interface_mtu = 1280;
    const auto failing = judge_segmented_send(facts, 1400);
    CHECK(failing.status == EgressStatus::fails);
    REQUIRE_FALSE(failing.notes.empty());
    CHECK_THAT(failing.notes[0], Catch::Contains("CAP_NET_ADMIN"));

    auto no_kernel = healthy("unknown");
    no_kernel.transmit_checksum = Known<bool>{false, {}};
    CHECK(judge_segmented_send(no_kernel, 1200).status == EgressStatus::undecided);
    no_kernel.interface_mtu = 1280;
    const auto unknown_errno = judge_segmented_send(no_kernel, 1400);
    CHECK(unknown_errno.status == EgressStatus::fails);
    CHECK(unknown_errno.expected_error == "EMSGSIZE or EINVAL");
}

TEST_CASE("egress: on Windows the path is undecided and says where to look",
          "[udp-batch][egress]") {
    auto facts = healthy("10.0.19045");
    facts.os = "windows";
    const auto verdict = judge_segmented_send(facts, 1400);
    CHECK(verdict.status == EgressStatus::undecided);
    REQUIRE(verdict.reasons.size() == 1);
    CHECK_THAT(verdict.reasons[0], Catch::Contains("Get-NetAdapterUso"));
}

TEST_CASE("egress: findings only when the measurements stayed on loopback", "[udp-batch][egress]") {
    netdiag::probes::udp_batch::UdpBatchRun run;
    run.datagram_size = 1400;
    run.batch = 32;
    run.route.destination = {"127.0.0.1", 9};
    auto facts = healthy("6.18.44");
    facts.interface_mtu = 1280;
    run.egress.push_back({facts, judge_segmented_send(facts, 1400)});
    auto has = [](const std::vector<netdiag::Finding>& findings, const std::string& id) {
        for (const auto& f : findings) {
            if (f.id == id) return true;
        }
        return false;
    };
    const auto findings = netdiag::probes::udp_batch::judge(run);
    REQUIRE(has(findings, "ND-UDP-012"));
    for (const auto& f : findings) {
        if (f.id != "ND-UDP-012") continue;
        CHECK(f.severity == netdiag::Severity::warning);
        CHECK_THAT(f.title, Catch::Contains("veth0") && Catch::Contains("EMSGSIZE"));
        CHECK(f.evidence["verdict"]["largest_segment"] == 1252);
        CHECK(f.evidence["facts"]["kernel"] == "6.18.44");
    }
    CHECK_THAT(netdiag::probes::udp_batch::measured_path_text(run),
               Catch::Contains("veth0 judged"));

    run.route.verification = netdiag::probes::udp_batch::Verification::peer;
    CHECK_FALSE(has(netdiag::probes::udp_batch::judge(run), "ND-UDP-012"));
}
