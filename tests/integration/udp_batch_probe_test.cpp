// Probe udp-batch through the real binary: on loopback, and in two network namespaces joined by
// a veth pair (root and iproute2 needed; SKIPPED with the reason otherwise).
#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "run_binary.hpp"

using netdiag::testing::ChildProcess;
using netdiag::testing::run_netdiag;
using nlohmann::json;

namespace {

const std::string kHelper =
    std::string(NETDIAG_SOURCE_DIR) + "/tests/integration/udp/netns_pair.sh";

json udp_probe(const std::string& args, const std::string& prefix = "") {
    const auto run = run_netdiag("probe udp-batch --format json " + args, prefix);
    INFO(run.err);
    REQUIRE((run.code == 0 || run.code == 1));
    const auto report = json::parse(run.out);
    REQUIRE(report["probes"].size() == 1);
    return report["probes"][0];
}

bool has_finding(const json& probe, const std::string& id) {
    for (const auto& f : probe["findings"]) {
        if (f["id"] == id) return true;
    }
    return false;
}

const json& finding(const json& probe, const std::string& id) {
    for (const auto& f : probe["findings"]) {
        if (f["id"] == id) return f;
    }
    FAIL("no finding " << id);
    static json none;
    return none;
}

const json& path_of(const json& probe, const std::string& name) {
    for (const auto& p : probe["measurements"]["paths"]) {
        if (p["path"] == name) return p;
    }
    FAIL("no path " << name);
    static json none;
    return none;
}

// Two namespaces NAME-a (10.231.0.1) and NAME-b (10.231.0.2) on a veth pair; deleted on scope
// exit, whatever happens in the test.
class NamespacePair {
public:
    explicit NamespacePair(unsigned mtu) : name_("nd-udp-" + std::to_string(::getpid() % 100000)) {
        if (::geteuid() != 0) {
            skip_ = "needs root for network namespaces";
            return;
        }
        if (std::system("command -v ip >/dev/null 2>&1") != 0) {
            skip_ = "needs ip (iproute2)";
            return;
        }
        std::system(("sh '" + kHelper + "' down " + name_).c_str());
        if (std::system(("sh '" + kHelper + "' up " + name_ + " " + std::to_string(mtu)).c_str()) !=
            0) {
            skip_ = "cannot create network namespaces here (ip netns add failed)";
        }
    }
    ~NamespacePair() { std::system(("sh '" + kHelper + "' down " + name_).c_str()); }
    NamespacePair(const NamespacePair&) = delete;
    NamespacePair& operator=(const NamespacePair&) = delete;

    const std::string& skip_reason() const { return skip_; }
    std::string in_a() const { return "ip netns exec " + name_ + "-a "; }
    std::string in_b() const { return "ip netns exec " + name_ + "-b "; }
    std::string a() const { return name_ + "-a"; }

private:
    std::string name_;
    std::string skip_;
};

// `netdiag peer` in the background inside a namespace, ready once it says it listens; stopped
// with SIGTERM on scope exit and waited for.
class BackgroundPeer {
public:
    BackgroundPeer(const std::string& prefix, const std::string& listen)
        : process_(ChildProcess::shell("exec " + prefix + "\"" NETDIAG_BINARY "\" peer --listen " +
                                       listen + " --max-seconds 60")) {
        ready_ = process_.wait_for_output("listening on", std::chrono::seconds(5));
    }
    ~BackgroundPeer() {
        process_.signal(SIGTERM);
        process_.wait_exit(std::chrono::seconds(5));
    }
    BackgroundPeer(const BackgroundPeer&) = delete;
    BackgroundPeer& operator=(const BackgroundPeer&) = delete;

    bool ready() const { return ready_; }
    std::string log() { return process_.output(); }

private:
    ChildProcess process_;
    bool ready_ = false;
};

}  // namespace

TEST_CASE("udp-batch on loopback: every path accepted, delivered intact and measured",
          "[udp-batch]") {
    const auto probe = udp_probe("--udp-measure-ms 100");
    INFO(probe.dump(1));
    CHECK(probe["status"] != "fail");
    CHECK(probe["status"] != "error");
    const auto& m = probe["measurements"];
    CHECK(m["route"]["verification"] == "loopback");
    CHECK(m["limits"]["max_segments_per_call"].get<int>() >= 64);
    for (const auto* name :
         {"per-datagram", "multi-message", "segmentation-cmsg", "segmentation-sockopt"}) {
        INFO(name);
        const auto& p = path_of(probe, name);
        CHECK(p["plain"]["status"] == "accepted");
        CHECK(p["pinned_source"]["status"] == "accepted");
        CHECK(p["stale_source"]["error"]["errno_name"] == "ENETUNREACH");
        CHECK(p["plain_delivery"]["delivered"] == 32);
        CHECK(p["plain_delivery"]["unsegmented"] == 0);
        CHECK(p["throughput"]["datagrams"].get<double>() > 0);
        CHECK(p["throughput"]["gbit_per_second"].get<double>() > 0);
    }
    CHECK(has_finding(probe, "ND-UDP-011"));
    CHECK(finding(probe, "ND-UDP-011")["evidence"]["error"]["errno"] == 101);
}

TEST_CASE("udp-batch: more segments than the kernel allows is rejected with the discovered limit",
          "[udp-batch]") {
    const auto probe = udp_probe("--udp-batch 200 --udp-size 100 --udp-measure-ms 0");
    INFO(probe.dump(1));
    CHECK(probe["status"] == "fail");
    REQUIRE(has_finding(probe, "ND-UDP-007"));
    const auto& f = finding(probe, "ND-UDP-007");
    const int limit = probe["measurements"]["limits"]["max_segments_per_call"];
    CHECK(f["evidence"]["max_segments_per_call"] == limit);
    CHECK(f["title"].get<std::string>().find(std::to_string(limit)) != std::string::npos);
    CHECK(f["evidence"]["send"]["error"]["errno_name"] == "EINVAL");
    // sendmmsg and one-by-one still work: the fallback a program takes
    CHECK(path_of(probe, "multi-message")["plain"]["status"] == "accepted");
}

TEST_CASE("udp-batch: a pinned source this host does not own is the stale-source finding",
          "[udp-batch]") {
    const auto probe = udp_probe("--udp-source 203.0.113.9 --udp-measure-ms 0");
    INFO(probe.dump(1));
    CHECK(probe["status"] == "fail");
    REQUIRE(has_finding(probe, "ND-UDP-004"));
    const auto& f = finding(probe, "ND-UDP-004");
    CHECK(f["evidence"]["source"] == "203.0.113.9");
    CHECK(f["evidence"]["owned_at_end"] == false);
    CHECK(f["evidence"]["failures"][0]["error"]["errno_name"] == "ENETUNREACH");
}

TEST_CASE("udp-batch in namespaces: MTU 1280 veth, segments of 1400 -> the MTU finding",
          "[udp-batch][netns]") {
    NamespacePair pair(1280);
    if (!pair.skip_reason().empty()) {
        NETDIAG_SKIP("netns", pair.skip_reason());
    }
    const auto probe = udp_probe("--udp-target 10.231.0.2 --udp-measure-ms 0", pair.in_a());
    INFO(probe.dump(1));
    CHECK(probe["status"] == "fail");
    REQUIRE(has_finding(probe, "ND-UDP-006"));
    const auto& f = finding(probe, "ND-UDP-006");
    CHECK(f["evidence"]["mtu"] == 1280);
    CHECK(f["evidence"]["largest_segment"] == 1252);
    CHECK(f["evidence"]["interface"] == "veth-a");
    // EINVAL on older kernels, EMSGSIZE on newer ones (6.18 here)
    const auto error = f["evidence"]["send"]["error"]["errno_name"].get<std::string>();
    CHECK((error == "EINVAL" || error == "EMSGSIZE"));
    CHECK(path_of(probe, "per-datagram")["plain"]["status"] == "accepted");
}

TEST_CASE("udp-batch in namespaces: netdiag peer verifies delivery through the veth",
          "[udp-batch][netns]") {
    NamespacePair pair(1280);
    if (!pair.skip_reason().empty()) {
        NETDIAG_SKIP("netns", pair.skip_reason());
    }
    BackgroundPeer peer(pair.in_b(), "10.231.0.2:47100");
    REQUIRE(peer.ready());
    // Segments that fit the MTU: every path must arrive whole at the peer.
    auto probe =
        udp_probe("--peer 10.231.0.2:47100 --udp-size 1200 --udp-measure-ms 100", pair.in_a());
    INFO(probe.dump(1) << "\n" << peer.log());
    CHECK(probe["measurements"]["route"]["verification"] == "peer");
    CHECK(probe["measurements"]["route"]["source"] == "10.231.0.1");
    CHECK_FALSE(has_finding(probe, "ND-UDP-003"));
    for (const auto* name :
         {"per-datagram", "multi-message", "segmentation-cmsg", "segmentation-sockopt"}) {
        INFO(name);
        CHECK(path_of(probe, name)["plain_delivery"]["delivered"] == 32);
        CHECK(path_of(probe, name)["plain_delivery"]["datagrams"] == 32);
    }
    // Segments above the MTU: GSO refused (MTU finding), plain sends fragment and still arrive.
    probe = udp_probe("--peer 10.231.0.2:47100 --udp-size 1400 --udp-measure-ms 0", pair.in_a());
    CHECK(has_finding(probe, "ND-UDP-006"));
    CHECK(path_of(probe, "per-datagram")["plain_delivery"]["delivered"] == 32);
    CHECK(peer.log().find("control connection from 10.231.0.1") != std::string::npos);
}

TEST_CASE("udp-batch in namespaces: the pinned address removed while the probe runs",
          "[udp-batch][netns]") {
    NamespacePair pair(1500);
    if (!pair.skip_reason().empty()) {
        NETDIAG_SKIP("netns", pair.skip_reason());
    }
    const std::string add = "ip -n " + pair.a() + " address add 10.231.0.50/24 dev veth-a";
    REQUIRE(std::system(add.c_str()) == 0);
    // The probe captures 10.231.0.50 at start and measures for 4 x 1.2 s; the address goes
    // away once the first measurement has begun (its progress line, logged with -v), as when a
    // dock's link drops.
    const auto report_path =
        (std::filesystem::temp_directory_path() / "pinned-source-removed.json").string();
    ChildProcess run(ChildProcess::shell(
        "exec " + pair.in_a() + "\"" NETDIAG_BINARY "\" probe udp-batch -v --format json -o \"" +
        report_path +
        "\" --udp-target 10.231.0.2 --udp-source 10.231.0.50 --udp-measure-ms 1200 --timeout 10s"));
    REQUIRE(run.wait_for_output("[udp-batch] measuring", std::chrono::seconds(10)));
    REQUIRE(std::system(("ip -n " + pair.a() + " address del 10.231.0.50/24 dev veth-a").c_str()) ==
            0);
    const auto code = run.wait_exit(std::chrono::seconds(15));
    INFO(run.output());
    REQUIRE(code.has_value());
    REQUIRE((*code == 0 || *code == 1));
    const auto report = json::parse(netdiag::testing::slurp(report_path));
    REQUIRE(report["probes"].size() == 1);
    const auto& probe = report["probes"][0];
    INFO(probe.dump(1));
    CHECK(path_of(probe, "per-datagram")["pinned_source"]["status"] == "accepted");
    REQUIRE(has_finding(probe, "ND-UDP-004"));
    const auto& f = finding(probe, "ND-UDP-004");
    CHECK(f["evidence"]["owned_at_end"] == false);
    REQUIRE_FALSE(f["evidence"]["failures"].empty());
    CHECK(f["evidence"]["failures"][0]["error"]["errno_name"] == "ENETUNREACH");
}
