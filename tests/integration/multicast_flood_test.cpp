// The multicast probe while another sender floods its group and port on loopback, as fast as
// the kernel takes it. The probe must end in time, never mistake the flood for its own copy,
// and either see its copy come back or say it could not decide (ND-MCAST-012); blaming a
// firewall (ND-MCAST-004) on a busy port would be a wrong verdict.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "multicast/probe_run.hpp"
#include "ready_flag.hpp"

using namespace netdiag::testing;

namespace {

// Sends junk to GROUP:port out of lo until stopped; counts what the kernel accepted.
class MulticastFlood {
public:
    explicit MulticastFlood(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
        in_addr lo{};
        ::inet_pton(AF_INET, "127.0.0.1", &lo);
        ok_ = fd_ >= 0 && ::setsockopt(fd_, IPPROTO_IP, IP_MULTICAST_IF, &lo, sizeof lo) == 0;
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        ::inet_pton(AF_INET, "224.0.0.224", &to.sin_addr);
        if (ok_) {
            thread_ = std::thread([this, to] {
                // Some of it looks like Zenoh scouting, some like nothing at all.
                const std::string scout("\x01\x09\x03", 3);
                const std::string junk(200, 'x');
                for (std::uint64_t i = 0; !stop_; ++i) {
                    const auto& payload = i % 2 ? scout : junk;
                    if (::sendto(fd_, payload.data(), payload.size(), 0,
                                 reinterpret_cast<const sockaddr*>(&to), sizeof to) > 0) {
                        if (++sent_ == 1) running_.set();
                    }
                }
            });
        }
    }
    ~MulticastFlood() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        if (fd_ >= 0) ::close(fd_);
    }
    bool ok() const { return ok_; }
    // True once the kernel has accepted the flood's first datagram.
    bool wait_running(std::chrono::milliseconds limit) const { return running_.wait_for(limit); }
    std::uint64_t sent() const { return sent_; }

private:
    int fd_ = -1;
    bool ok_ = false;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> sent_{0};
    netdiag::testing::ReadyFlag running_;
    std::thread thread_;
};

}  // namespace

TEST_CASE("multicast: a flood on the probe's group and port gives a right or undecided verdict",
          "[multicast][flood]") {
    // A few kRounds: whether the copy survives the flood varies from run to run, and both
    // outcomes must be judged right.
    for (int round = 0; round < 3; ++round) {
        const auto port = free_udp_port();
        REQUIRE(port != 0);
        MulticastFlood flood(port);
        REQUIRE(flood.ok());
        REQUIRE(flood.wait_running(std::chrono::seconds(2)));

        const auto start = std::chrono::steady_clock::now();
        const auto run = run_multicast_probe(
            "--multicast-interface lo --zenoh-window 200ms "
            "--timeout 5s --port " +
            std::to_string(port));
        const auto took = std::chrono::steady_clock::now() - start;
        INFO("round " << round << ": " << run.binary.err);
        REQUIRE(run.parsed);
        CHECK((run.binary.code == 0 || run.binary.code == 1));
        CHECK(took < std::chrono::seconds(5));
        CHECK(run.probe["status"] != "error");
        CHECK(flood.sent() > 1000);

        const auto* lo = run.interface_row("lo");
        REQUIRE(lo != nullptr);
        INFO(lo->dump());
        CHECK((*lo)["joined"] == true);
        CHECK(run.finding("ND-MCAST-004") == nullptr);
        if ((*lo)["looped_back"] == true) {
            CHECK(run.finding("ND-MCAST-012") == nullptr);
        } else {
            const auto* undecided = run.finding("ND-MCAST-012");
            REQUIRE(undecided != nullptr);
            CHECK((*undecided)["evidence"]["foreign_datagrams"].get<unsigned>() > 0);
        }
        // The flood's Scouts were read as someone else's datagrams, not as the probe's copy
        // and not as Zenoh answers (those come by unicast to the Scout's own socket).
        CHECK(run.finding("ND-MCAST-008") == nullptr);
    }
}
