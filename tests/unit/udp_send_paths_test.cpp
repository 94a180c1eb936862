// The platform's UDP send paths against real sockets on loopback: what each path hands the
// receiver, the kernel's refusals, and a pinned source the host does not own.
#include <catch2/catch.hpp>

#include "netdiag/platform.hpp"
#include "netdiag/udp_send.hpp"
#include "probes/udp_batch/datagram_payload.hpp"
#include "probes/udp_batch/datagram_sink.hpp"
#include "probes/udp_batch/send_limits.hpp"

using namespace netdiag;
using namespace netdiag::platform::udp;
using netdiag::probes::udp_batch::DatagramSink;
using netdiag::probes::udp_batch::make_batch;

namespace {

bool under_wine() {
    return platform::read_host_snapshot().facts.container == "wine";
}

bool on_linux() {
    return platform::current_platform() == "linux";
}

auto soon() {
    return std::chrono::steady_clock::now() + std::chrono::seconds(2);
}

}  // namespace

TEST_CASE("endpoints parse and resolve") {
    std::string error;
    auto v4 = resolve_endpoint("127.0.0.1:9", 1, soon(), error);
    REQUIRE(v4);
    CHECK(v4->address == "127.0.0.1");
    CHECK(v4->port == 9);
    CHECK(v4->family() == Family::ipv4);
    auto v6 = resolve_endpoint("[::1]:4000", 1, soon(), error);
    REQUIRE(v6);
    CHECK(v6->family() == Family::ipv6);
    CHECK(v6->to_string() == "[::1]:4000");
    auto bare = resolve_endpoint("127.0.0.2", 9, soon(), error);
    REQUIRE(bare);
    CHECK(bare->port == 9);
    CHECK_FALSE(resolve_endpoint("127.0.0.1:99999", 9, soon(), error));
    CHECK(error.find("port must be a number") != std::string::npos);
    CHECK_FALSE(resolve_endpoint("[::1", 9, soon(), error));
}

TEST_CASE("the route to loopback is sourced from loopback, and 192.0.2.x/24 is not always ours") {
    const auto route = route_to({"127.0.0.1", 9});
    REQUIRE(route.source);
    CHECK(route.source->address == "127.0.0.1");
    CHECK(host_owns_address("127.0.0.1"));
    CHECK_FALSE(host_owns_address("203.0.113.77"));
    if (on_linux()) {
        REQUIRE(route.mtu);
        CHECK(*route.mtu >= 1500);
    }
}

TEST_CASE("every available path delivers a batch as separate datagrams on loopback") {
    DatagramSink sink;
    REQUIRE_FALSE(sink.start({"127.0.0.1", 0}));
    std::uint32_t stream = 100;
    for (const auto path : available_send_paths()) {
        INFO(to_string(path));
        UdpSocket socket;
        REQUIRE_FALSE(socket.open(Family::ipv4));
        REQUIRE_FALSE(socket.set_destination(sink.endpoint(), "127.0.0.1"));
        const auto batch = make_batch(++stream, 0, 8, 1000);
        const auto outcome = socket.send(path, batch, 1000);
        if (!on_linux() && path == SendPath::segment_sockopt) continue;  // Wine refuses it
        REQUIRE(outcome.status == SendStatus::accepted);
        CHECK(outcome.bytes == 8000);
        const auto report = sink.wait_for(stream, 8, std::chrono::milliseconds(300), soon());
        CHECK(report.delivered == 8);
        if (on_linux()) {
            CHECK(outcome.datagrams == 8);
            CHECK(report.datagrams == 8);
            CHECK(report.unsegmented == 0);
            CHECK(outcome.syscalls == (path == SendPath::per_datagram ? 8u : 1u) +
                                          (path == SendPath::segment_sockopt ? 1u : 0u));
        }
    }
}

TEST_CASE("a pinned source the host does not own is refused before anything is sent") {
    UdpSocket socket;
    REQUIRE_FALSE(socket.open(Family::ipv4));
    REQUIRE_FALSE(socket.set_destination({"127.0.0.1", 9}, "203.0.113.77"));
    const auto batch = make_batch(1, 0, 4, 200);
    const auto outcome = socket.send(SendPath::per_datagram, batch, 200);
    if (under_wine()) {
        // Wine does not check an IP_PKTINFO source against the host's addresses: the send goes
        // out. Windows refuses it with WSAEINVAL; the probe therefore also asks the adapter
        // list whether the address is owned (host_owns_address), which Wine answers correctly.
        WARN("Wine accepts a PKTINFO source the host does not own; Windows answers WSAEINVAL");
        CHECK(outcome.status == SendStatus::accepted);
        CHECK_FALSE(host_owns_address("203.0.113.77"));
        return;
    }
    CHECK(outcome.status == SendStatus::rejected);
    CHECK(outcome.datagrams == 0);
    if (on_linux()) {
        CHECK(outcome.error.native_name == "ENETUNREACH");
        CHECK(outcome.failed_call == "sendmsg(IP_PKTINFO)");
    } else {
        CHECK(outcome.error.native_name == "WSAEINVAL");
    }
}
