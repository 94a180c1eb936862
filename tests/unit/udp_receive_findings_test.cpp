// The receive-side findings of udp-batch (ECN marks, receive coalescing), decided from facts
// built by hand with the errors the OSes really give: Wine's WSAENOPROTOOPT (10042) for
// IP_RECVECN and WSAEINVAL (10022) for UDP_RECV_MAX_COALESCED_SIZE, Linux's UDP_GRO reads.
#include <catch2/catch.hpp>

#include <algorithm>

#include "finding_ids.hpp"
#include "probes/udp_batch/receive_findings.hpp"
#include "probes/udp_batch/udp_findings.hpp"

using namespace netdiag;
using namespace netdiag::probes::udp_batch;
using platform::udp::Family;

namespace {

SysError winsock_error(int code, std::string name) {
    SysError e;
    e.portable = std::error_code(code, std::system_category());
    e.native = code;
    e.native_name = std::move(name);
    e.message = "from the test";
    return e;
}

const SysError wsaenoprotoopt = winsock_error(10042, "WSAENOPROTOOPT");
const SysError wsaeinval = winsock_error(10022, "WSAEINVAL");

EcnCheck ecn_read_back(Family family) {
    EcnCheck check;
    check.family = family;
    check.receive_option = family == Family::ipv4 ? "IP_RECVTOS" : "IPV6_RECVTCLASS";
    check.send_control = family == Family::ipv4 ? "IP_TOS cmsg" : "IPV6_TCLASS cmsg";
    check.mark_sent = platform::udp::kEcnEct0;
    check.send.status = platform::udp::SendStatus::accepted;
    check.send.datagrams = 1;
    check.send.bytes = 64;
    check.arrived = true;
    check.mark_read = platform::udp::kEcnEct0;
    return check;
}

// What Wine does: the option is unknown, the marked send is accepted, no mark comes back.
EcnCheck ecn_refused_by_wine(Family family) {
    auto check = ecn_read_back(family);
    check.receive_option = family == Family::ipv4 ? "IP_RECVECN" : "IPV6_RECVECN";
    check.receive_option_error = wsaenoprotoopt;
    check.mark_read.reset();
    return check;
}

CoalescingCheck coalescing(std::vector<CoalescedRead> reads) {
    CoalescingCheck check;
    check.option = "UDP_GRO";
    check.control = "UDP_GRO cmsg";
    check.segment_size = 1000;
    check.segments = 4;
    check.send_path = "segmentation-cmsg";
    check.send.status = platform::udp::SendStatus::accepted;
    check.send.datagrams = 4;
    check.send.bytes = 4000;
    check.reads = std::move(reads);
    return check;
}

ReceiveChecks healthy_linux() {
    ReceiveChecks checks;
    checks.ecn = {ecn_read_back(Family::ipv4), ecn_read_back(Family::ipv6)};
    checks.coalescing = coalescing({{4000, 1000}});
    return checks;
}

std::vector<Finding> judge(const ReceiveChecks& checks) {
    std::vector<Finding> findings;
    append_receive_findings(checks, findings);
    return findings;
}

}  // namespace

TEST_CASE("ECN marks read back and coalescing with the segment size: no receive finding") {
    const auto checks = healthy_linux();
    CHECK(judge(checks).empty());
    CHECK(verdict(checks.ecn[0]) == EcnVerdict::read_back);
    CHECK(verdict(*checks.coalescing) == CoalescingVerdict::coalesced_with_size);
    CHECK(receive_summary(checks) ==
          "ECN ipv4 read-back, ipv6 read-back; receive coalescing (UDP_GRO) "
          "coalesced-with-segment-size");
}

TEST_CASE("ECN option refused (Wine, 10042 for both families) is ND-UDP-013, an error") {
    ReceiveChecks checks;
    checks.ecn = {ecn_refused_by_wine(Family::ipv4), ecn_refused_by_wine(Family::ipv6)};
    const auto findings = judge(checks);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-UDP-013"});
    const auto& f = findings[0];
    CHECK(f.severity == Severity::error);
    CHECK(f.title.find("IP_RECVECN and IPV6_RECVECN") != std::string::npos);
    CHECK(f.title.find("WSAENOPROTOOPT (10042)") != std::string::npos);
    CHECK(f.detail.find("setsockopt(IP_RECVECN) on IPv4: WSAENOPROTOOPT (10042); ") == 0);
    CHECK(f.detail.find("quinn") != std::string::npos);
    REQUIRE(f.evidence["refused"].size() == 2);
    CHECK(f.evidence["refused"][0]["errno"] == 10042);
    CHECK(f.evidence["refused"][1]["family"] == "IPv6");
    CHECK(f.docs == "docs/findings/ND-UDP-013.md");
    // The refusal explains the missing mark: no ND-UDP-014 besides.
    CHECK(verdict(checks.ecn[0]) == EcnVerdict::option_refused);
}

TEST_CASE("an ECN mark that does not come back is ND-UDP-014, a warning") {
    ReceiveChecks checks = healthy_linux();
    checks.ecn[1].mark_read = platform::udp::kEcnNotEct;  // cleared on the way
    checks.ecn[0].mark_read.reset();                      // no control message at all
    const auto findings = judge(checks);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-UDP-014", "ND-UDP-014"});
    CHECK(findings[0].severity == Severity::warning);
    CHECK(findings[0].detail.find("no mark at all") != std::string::npos);
    CHECK(findings[0].evidence["mark_read"].is_null());
    CHECK(findings[1].evidence["mark_read"] == "Not-ECT");
    CHECK(findings[1].evidence["mark_sent"] == "ECT(0)");
    CHECK(findings[1].title.find("IPv6") != std::string::npos);
}

TEST_CASE("a refused marked send is ND-UDP-014 with the send's error, no ::1 is no finding") {
    ReceiveChecks checks = healthy_linux();
    checks.ecn[0].send.status = platform::udp::SendStatus::rejected;
    checks.ecn[0].send.error = wsaeinval;
    checks.ecn[0].send.failed_call = "WSASendMsg(IP_ECN cmsg=2)";
    checks.ecn[0].arrived = false;
    checks.ecn[1] = EcnCheck{};
    checks.ecn[1].family = Family::ipv6;
    checks.ecn[1].skipped = "no loopback receiver: bind [::1]:0: EADDRNOTAVAIL (99)";
    const auto findings = judge(checks);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-UDP-014"});
    CHECK(findings[0].detail.find("WSASendMsg(IP_ECN cmsg=2) failed: WSAEINVAL") !=
          std::string::npos);
    CHECK(verdict(checks.ecn[1]) == EcnVerdict::skipped);
}

TEST_CASE("a coalesced read without the segment size is ND-UDP-015, an error") {
    ReceiveChecks checks = healthy_linux();
    checks.coalescing = coalescing({{2000, std::nullopt}, {2000, std::nullopt}});
    const auto findings = judge(checks);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-UDP-015"});
    CHECK(findings[0].severity == Severity::error);
    CHECK(findings[0].title.find("2000 bytes") != std::string::npos);
    CHECK(findings[0].evidence["reads"][0]["segment_size"].is_null());
    CHECK(verdict(*checks.coalescing) == CoalescingVerdict::coalesced_without_size);
}

TEST_CASE("a coalesced read with a segment size other than the one sent is ND-UDP-015") {
    ReceiveChecks checks = healthy_linux();
    checks.coalescing = coalescing({{4000, 1270}});
    const auto findings = judge(checks);
    REQUIRE(test::finding_ids(findings) == std::vector<std::string>{"ND-UDP-015"});
    CHECK(findings[0].detail.find("with a segment size of 1270") != std::string::npos);
}

TEST_CASE("no coalescing, or coalescing the OS does not offer, is no finding") {
    ReceiveChecks checks = healthy_linux();
    // Separate datagrams: a segment size reported on them splits nothing and is fine.
    checks.coalescing = coalescing(
        {{1000, std::nullopt}, {1000, std::nullopt}, {1000, 1000}, {1000, std::nullopt}});
    CHECK(judge(checks).empty());
    CHECK(verdict(*checks.coalescing) == CoalescingVerdict::not_coalesced);

    // Wine: UDP_RECV_MAX_COALESCED_SIZE refused with WSAEINVAL; nothing was sent.
    CoalescingCheck refused;
    refused.option = "UDP_RECV_MAX_COALESCED_SIZE";
    refused.option_error = wsaeinval;
    refused.segment_size = 1000;
    refused.segments = 4;
    checks.coalescing = refused;
    CHECK(judge(checks).empty());
    CHECK(verdict(refused) == CoalescingVerdict::not_supported);
    const auto json = to_json(checks);
    CHECK(json["coalescing"]["verdict"] == "not-supported");
    CHECK(json["coalescing"]["option_accepted"] == false);
    CHECK(json["coalescing"]["option_error"]["errno"] == 10022);
}

TEST_CASE("the receive checks reach the probe's findings and measurements") {
    UdpBatchRun run;
    run.route.destination = {"127.0.0.1", 40000};
    run.receive.ecn = {ecn_refused_by_wine(Family::ipv4), ecn_read_back(Family::ipv6)};
    run.receive.coalescing = coalescing({{4000, std::nullopt}});
    const auto ids = test::finding_ids(judge(run));
    CHECK(std::count(ids.begin(), ids.end(), "ND-UDP-013") == 1);
    CHECK(std::count(ids.begin(), ids.end(), "ND-UDP-015") == 1);
    CHECK(std::count(ids.begin(), ids.end(), "ND-UDP-014") == 0);

    const auto json = measurements_json(run);
    REQUIRE(json["receive"]["ecn"].size() == 2);
    CHECK(json["receive"]["ecn"][0]["verdict"] == "option-refused");
    CHECK(json["receive"]["ecn"][0]["receive_option_accepted"] == false);
    CHECK(json["receive"]["ecn"][0]["mark_read"].is_null());
    CHECK(json["receive"]["ecn"][1]["mark_read"] == "ECT(0)");
    CHECK(json["receive"]["coalescing"]["reads"][0]["bytes"] == 4000);
    CHECK(json["receive_summary"].get<std::string>().find("ipv4 option-refused (WSAENOPROTOOPT)") !=
          std::string::npos);
}
