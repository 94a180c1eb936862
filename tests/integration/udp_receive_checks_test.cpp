// udp-batch's receive-side checks against the real Linux stack: an ECT(0) mark read back over
// loopback (IPv4, and IPv6 where ::1 exists), UDP_GRO handing over a GSO batch as one read with
// its segment size, the same through the real binary's report, and GRO across a veth pair
// between two network namespaces (root and iproute2; SKIPPED with the reason otherwise).
#include <catch2/catch.hpp>

#include "test_skip.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "netdiag/udp_receive.hpp"
#include "probes/udp_batch/receive_checks.hpp"
#include "report_lookup.hpp"
#include "run_binary.hpp"

using namespace netdiag;
using namespace netdiag::probes::udp_batch;
using platform::udp::Family;

namespace {

std::chrono::steady_clock::time_point receive_test_deadline() {
    return std::chrono::steady_clock::now() + std::chrono::seconds(3);
}

// Two namespaces NAME-a (10.231.0.1) and NAME-b (10.231.0.2) on a veth pair with MTU 1500,
// made by the udp tests' helper; deleted on scope exit.
class GroNamespacePair {
public:
    GroNamespacePair() : name_("nd-gro-" + std::to_string(::getpid() % 100000)) {
        if (::geteuid() != 0) {
            skip_ = "needs root for network namespaces";
            return;
        }
        if (std::system("command -v ip >/dev/null 2>&1") != 0) {
            skip_ = "needs ip (iproute2)";
            return;
        }
        std::system(("sh '" + helper() + "' down " + name_).c_str());
        if (std::system(("sh '" + helper() + "' up " + name_ + " 1500").c_str()) != 0)
            skip_ = "cannot create network namespaces here (ip netns add failed)";
    }
    ~GroNamespacePair() { std::system(("sh '" + helper() + "' down " + name_).c_str()); }
    GroNamespacePair(const GroNamespacePair&) = delete;
    GroNamespacePair& operator=(const GroNamespacePair&) = delete;

    const std::string& skip_reason() const { return skip_; }
    const std::string& name() const { return name_; }

    // Moves the calling thread into NAME-SIDE; sockets it opens afterwards live there.
    bool enter(const std::string& side) const {
        const int fd =
            ::open(("/var/run/netns/" + name_ + "-" + side).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return false;
        const bool entered = ::setns(fd, CLONE_NEWNET) == 0;
        ::close(fd);
        return entered;
    }

private:
    static std::string helper() {
        return std::string(NETDIAG_SOURCE_DIR) + "/tests/integration/udp/netns_pair.sh";
    }
    std::string name_;
    std::string skip_;
};

}  // namespace

TEST_CASE("ECN on Linux loopback: the ECT(0) mark comes back through IP_RECVTOS",
          "[udp-batch][own-ports]") {
    const auto check = check_ecn(Family::ipv4, receive_test_deadline());
    INFO(check.receive_option_error.describe() << " / " << check.send.error.describe());
    CHECK(check.receive_option == "IP_RECVTOS");
    CHECK_FALSE(check.receive_option_error);
    CHECK(check.send.status == platform::udp::SendStatus::accepted);
    CHECK(check.arrived);
    REQUIRE(check.mark_read.has_value());
    CHECK(*check.mark_read == platform::udp::kEcnEct0);
    CHECK(verdict(check) == EcnVerdict::read_back);
}

TEST_CASE("ECN on Linux loopback: the ECT(0) mark comes back through IPV6_RECVTCLASS",
          "[udp-batch][own-ports]") {
    const auto check = check_ecn(Family::ipv6, receive_test_deadline());
    if (!check.skipped.empty()) NETDIAG_SKIP("ipv6-loopback", check.skipped);
    INFO(check.receive_option_error.describe() << " / " << check.send.error.describe());
    CHECK(check.receive_option == "IPV6_RECVTCLASS");
    CHECK_FALSE(check.receive_option_error);
    CHECK(check.send.status == platform::udp::SendStatus::accepted);
    REQUIRE(check.mark_read.has_value());
    CHECK(*check.mark_read == platform::udp::kEcnEct0);
    CHECK(verdict(check) == EcnVerdict::read_back);
}

TEST_CASE("UDP_GRO on Linux loopback: a GSO batch of 4 x 1000 is one read with segment size 1000",
          "[udp-batch][own-ports]") {
    const auto check = check_receive_coalescing(receive_test_deadline());
    INFO(to_json(ReceiveChecks{{}, check}).dump(1));
    CHECK(check.option == "UDP_GRO");
    CHECK_FALSE(check.option_error);
    CHECK(check.send_path == "segmentation-cmsg");
    CHECK(check.send.bytes == 4000);
    REQUIRE(check.reads.size() == 1);
    CHECK(check.reads[0].size == 4000);
    CHECK(check.reads[0].segment_size == std::optional<std::size_t>(1000));
    CHECK(verdict(check) == CoalescingVerdict::coalesced_with_size);
}

TEST_CASE("udp-batch on loopback reports ECN and receive coalescing, without receive findings",
          "[udp-batch]") {
    const auto run =
        netdiag::testing::run_netdiag("probe udp-batch --format json --udp-measure-ms 0");
    INFO(run.err);
    REQUIRE((run.code == 0 || run.code == 1));
    const auto probe = nlohmann::json::parse(run.out)["probes"][0];
    INFO(probe.dump(1));
    const auto& receive = probe["measurements"]["receive"];
    const auto* v4 = netdiag::test::find_by(receive["ecn"], "family", "ipv4");
    REQUIRE(v4 != nullptr);
    CHECK((*v4)["receive_option_accepted"] == true);
    CHECK((*v4)["mark_sent"] == "ECT(0)");
    CHECK((*v4)["mark_read"] == "ECT(0)");
    CHECK(receive["coalescing"]["verdict"] == "coalesced-with-segment-size");
    CHECK(receive["coalescing"]["reads"][0]["segment_size"] == 1000);
    CHECK(probe["measurements"]["receive_summary"].get<std::string>().find("ECN ipv4 read-back") ==
          0);
    for (const auto& f : probe["findings"]) {
        CHECK(f["id"] != "ND-UDP-013");
        CHECK(f["id"] != "ND-UDP-014");
        CHECK(f["id"] != "ND-UDP-015");
    }
}

TEST_CASE("UDP_GRO across a veth pair between two namespaces: the GSO batch stays one read",
          "[udp-batch][netns]") {
    GroNamespacePair pair;
    if (!pair.skip_reason().empty()) NETDIAG_SKIP("netns", pair.skip_reason());
    platform::udp::UdpSocket receiver;
    platform::udp::UdpSocket sender;
    SysError opened;
    // A thread of its own enters the namespaces, so this one stays where it was.
    std::thread([&] {
        if (!pair.enter("b")) return;
        if ((opened = receiver.open(Family::ipv4))) return;
        if ((opened = receiver.bind({"10.231.0.2", 0}))) return;
        if (!pair.enter("a")) return;
        opened = sender.open(Family::ipv4);
    }).join();
    REQUIRE_FALSE(opened);
    REQUIRE(receiver.is_open());
    REQUIRE(sender.is_open());
    const auto check = check_receive_coalescing(receiver, sender, receive_test_deadline());
    INFO(to_json(ReceiveChecks{{}, check}).dump(1));
    CHECK_FALSE(check.option_error);
    CHECK(check.send_path == "segmentation-cmsg");
    CHECK(check.send.bytes == 4000);
    // veth hands the GSO packet to the peer namespace unsegmented; UDP_GRO keeps it whole.
    REQUIRE(check.reads.size() == 1);
    CHECK(check.reads[0].size == 4000);
    CHECK(check.reads[0].segment_size == std::optional<std::size_t>(1000));
    CHECK(verdict(check) == CoalescingVerdict::coalesced_with_size);
}
