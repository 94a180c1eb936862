// The udp-batch findings, decided from runs built by hand with the errors the OS really gives
// (the loopback and namespace tests produce the same runs for real).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include "probes/udp_batch/udp_findings.hpp"

using namespace netdiag;
using namespace netdiag::probes::udp_batch;
using platform::udp::SendOutcome;
using platform::udp::SendPath;
using platform::udp::SendStatus;

namespace {

SendOutcome accepted(std::size_t datagrams) {
    SendOutcome o;
    o.status = SendStatus::accepted;
    o.datagrams = datagrams;
    o.bytes = datagrams * 1400;
    o.syscalls = 1;
    return o;
}

// Built by hand, not by describe_native_error, so the test reads the same on every platform.
SysError posix_error(std::errc code, int native, std::string name) {
    SysError e;
    e.portable = std::make_error_code(code);
    e.native = native;
    e.native_name = std::move(name);
    e.message = e.portable.message();
    return e;
}

const SysError einval = posix_error(std::errc::invalid_argument, 22, "EINVAL");
const SysError enetunreach = posix_error(std::errc::network_unreachable, 101, "ENETUNREACH");

SendOutcome rejected(const SysError& error, std::string call) {
    SendOutcome o;
    o.status = SendStatus::rejected;
    o.error = error;
    o.failed_call = std::move(call);
    o.syscalls = 1;
    return o;
}

StreamReport intact(std::uint64_t n) {
    StreamReport r;
    r.expected = n;
    r.delivered = n;
    r.datagrams = n;
    return r;
}

// A healthy Linux loopback run: every path accepted and delivered, the stale demo refused.
UdpBatchRun healthy_run() {
    UdpBatchRun run;
    run.datagram_size = 1400;
    run.batch = 32;
    run.route.destination = {"127.0.0.1", 40000};
    run.route.source = "127.0.0.1";
    run.route.mtu = 65536;
    run.route.interface_name = "lo";
    run.route.stale_source = "192.0.2.1";
    run.os = "linux";
    run.kernel = "6.1.0-13-amd64";
    run.limits.segmentation_known = true;
    run.limits.max_segments = 128;
    run.limits.max_bytes = 65507;
    run.source_owned_at_end = true;
    for (const auto path : {SendPath::per_datagram, SendPath::multi_message, SendPath::segment_cmsg,
                            SendPath::segment_sockopt}) {
        PathTrial trial;
        trial.path = path;
        trial.plain = accepted(32);
        trial.pinned = accepted(32);
        trial.stale = rejected(enetunreach, "sendmsg(IP_PKTINFO)");
        trial.plain_delivery = intact(32);
        trial.pinned_delivery = intact(32);
        Throughput t;
        t.seconds = 0.25;
        t.datagrams = path == SendPath::per_datagram ? 50000 : 120000;
        t.bytes = t.datagrams * 1400;
        trial.throughput = t;
        run.trials.push_back(trial);
    }
    return run;
}

PathTrial& trial_of(UdpBatchRun& run, SendPath path) {
    return *std::find_if(run.trials.begin(), run.trials.end(),
                         [&](const PathTrial& t) { return t.path == path; });
}

std::vector<std::string> ids_of(const std::vector<Finding>& findings) {
    std::vector<std::string> ids;
    for (const auto& f : findings) ids.push_back(f.id);
    return ids;
}

bool has(const std::vector<Finding>& findings, const std::string& id) {
    const auto ids = ids_of(findings);
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

const Finding& get(const std::vector<Finding>& findings, const std::string& id) {
    return *std::find_if(findings.begin(), findings.end(),
                         [&](const Finding& f) { return f.id == id; });
}

}  // namespace

TEST_CASE("a healthy run has only the stale-source demonstration, as info") {
    const auto findings = judge(healthy_run());
    REQUIRE(ids_of(findings) == std::vector<std::string>{"ND-UDP-011"});
    CHECK(findings[0].severity == Severity::info);
    CHECK(findings[0].title.find("ENETUNREACH") != std::string::npos);
    CHECK(status_from_findings(findings) == ProbeStatus::pass);
}

TEST_CASE("GSO refused with EINVAL over the route MTU is the MTU finding") {
    auto run = healthy_run();
    run.route.mtu = 1280;
    run.route.interface_name = "veth-a";
    for (const auto path : {SendPath::segment_cmsg, SendPath::segment_sockopt}) {
        auto& t = trial_of(run, path);
        t.plain = rejected(einval, "sendmsg(UDP_SEGMENT cmsg=1400, 32 segments)");
        t.plain_delivery.reset();
        t.throughput.reset();
    }
    const auto findings = judge(run);
    REQUIRE(has(findings, "ND-UDP-006"));
    CHECK_FALSE(has(findings, "ND-UDP-001"));  // explained, not a generic rejection
    const auto& f = get(findings, "ND-UDP-006");
    CHECK(f.severity == Severity::error);
    CHECK(f.evidence["largest_segment"] == 1252);
    CHECK(f.detail.find("EINVAL (22)") != std::string::npos);
    // The kernel and the row of the kernel table that gives EINVAL on 6.1.
    CHECK(f.evidence["kernel"] == "6.1.0-13-amd64");
    CHECK(f.evidence["kernel_rule"].get<std::string>().find("EINVAL before 6.14") !=
          std::string::npos);
    CHECK(status_from_findings(findings) == ProbeStatus::fail);
}

TEST_CASE("a batch over the discovered segment limit is the limits finding") {
    auto run = healthy_run();
    run.batch = 200;
    run.datagram_size = 100;
    trial_of(run, SendPath::segment_cmsg).plain =
        rejected(einval, "sendmsg(UDP_SEGMENT cmsg=100, 200 segments)");
    const auto findings = judge(run);
    REQUIRE(has(findings, "ND-UDP-007"));
    const auto& f = get(findings, "ND-UDP-007");
    CHECK(f.evidence["max_segments_per_call"] == 128);
    CHECK(f.title.find("128") != std::string::npos);
    CHECK(f.evidence["kernel_rule"].get<std::string>().find("128") != std::string::npos);
}

TEST_CASE("the Windows faults under Wine: setsockopt refused, cmsg ignored") {
    auto run = healthy_run();
    run.trials.erase(run.trials.begin() + 1);  // no sendmmsg on Windows
    auto& sockopt = trial_of(run, SendPath::segment_sockopt);
    sockopt.plain = rejected(einval, "setsockopt(UDP_SEND_MSG_SIZE=1400)");
    sockopt.plain.error.native_name = "WSAEINVAL";
    sockopt.plain.error.native = 10022;
    sockopt.plain_delivery.reset();
    sockopt.throughput.reset();
    auto& cmsg = trial_of(run, SendPath::segment_cmsg);
    cmsg.plain_delivery->unsegmented = 1;
    cmsg.plain_delivery->largest_unsegmented = 44800;
    const auto findings = judge(run);
    CHECK(has(findings, "ND-UDP-001"));
    CHECK(get(findings, "ND-UDP-001").title.find("WSAEINVAL") != std::string::npos);
    CHECK(has(findings, "ND-UDP-002"));
    CHECK(get(findings, "ND-UDP-002").evidence["largest_unsegmented"] == 44800);
}

TEST_CASE("a pinned source the host lost is the stale-source finding") {
    auto run = healthy_run();
    run.route.source = "10.99.0.1";
    run.source_owned_at_end = false;
    for (auto& t : run.trials) {
        t.pinned = rejected(enetunreach, "sendmsg(IP_PKTINFO)");
        t.pinned_delivery.reset();
    }
    const auto findings = judge(run);
    REQUIRE(has(findings, "ND-UDP-004"));
    const auto& f = get(findings, "ND-UDP-004");
    CHECK(f.evidence["source"] == "10.99.0.1");
    CHECK(f.evidence["owned_at_end"] == false);
    CHECK(f.evidence["failures"].size() == 4);
    CHECK(f.detail.find("ENETUNREACH (101)") != std::string::npos);
}

TEST_CASE("an address removed during the measurement is found from the stopped send") {
    auto run = healthy_run();
    run.route.source = "10.99.0.1";
    run.source_owned_at_end = false;
    auto& t = trial_of(run, SendPath::segment_cmsg);
    t.throughput->stopped_early = true;
    t.throughput->stopped_by =
        rejected(enetunreach, "sendmsg(UDP_SEGMENT cmsg=1400, 32 segments, IP_PKTINFO)");
    const auto findings = judge(run);
    REQUIRE(has(findings, "ND-UDP-004"));
    CHECK(get(findings, "ND-UDP-004").evidence["failures"].size() == 1);
}

TEST_CASE("loss at the peer is an error, loss on loopback a warning") {
    auto run = healthy_run();
    trial_of(run, SendPath::segment_cmsg).plain_delivery->delivered = 0;
    trial_of(run, SendPath::segment_cmsg).plain_delivery->lost = 32;
    CHECK(has(judge(run), "ND-UDP-005"));
    run.route.verification = Verification::peer;
    const auto findings = judge(run);
    REQUIRE(has(findings, "ND-UDP-003"));
    CHECK(get(findings, "ND-UDP-003").severity == Severity::error);
}

TEST_CASE("batched slower than unbatched is flagged, noise is not") {
    auto run = healthy_run();
    trial_of(run, SendPath::multi_message).throughput->datagrams = 35000;  // 0.7x: noise
    trial_of(run, SendPath::segment_cmsg).throughput->datagrams = 45000;   // 0.9x: noise
    CHECK_FALSE(has(judge(run), "ND-UDP-008"));
    trial_of(run, SendPath::segment_cmsg).throughput->datagrams = 20000;  // 0.4x
    const auto findings = judge(run);
    REQUIRE(has(findings, "ND-UDP-008"));
    CHECK(get(findings, "ND-UDP-008").evidence["path"] == "segmentation-cmsg");
    CHECK(get(findings, "ND-UDP-008").evidence["ratio"].get<double>() == Approx(0.4));
}

TEST_CASE("a USB send interface and a dead route are reported") {
    auto run = healthy_run();
    run.route.interface_name = "eth1";
    run.route.interface_bus = "usb";
    run.route.interface_driver = "r8152";
    CHECK(has(judge(run), "ND-UDP-009"));

    auto dead = healthy_run();
    for (auto& t : dead.trials) t.plain = rejected(enetunreach, "sendto");
    const auto findings = judge(dead);
    CHECK(has(findings, "ND-UDP-010"));
    CHECK_FALSE(has(findings, "ND-UDP-001"));
}

TEST_CASE("newer kernels refuse an over-MTU segment with EMSGSIZE: still the MTU finding") {
    auto run = healthy_run();
    run.route.mtu = 1280;
    const auto emsgsize = posix_error(std::errc::message_size, 90, "EMSGSIZE");
    trial_of(run, SendPath::segment_cmsg).plain =
        rejected(emsgsize, "sendmsg(UDP_SEGMENT cmsg=1400, 32 segments)");
    const auto findings = judge(run);
    CHECK(has(findings, "ND-UDP-006"));
    CHECK_FALSE(has(findings, "ND-UDP-007"));
}
