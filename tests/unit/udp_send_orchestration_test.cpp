// The portable send orchestration driven through a fake shim that answers the way Winsock does:
// the Windows policy (no sendmmsg, WSAEINVAL for a refused segmented send, WSAEWOULDBLOCK
// retried, WSASendMsg or WSASendTo named) checked on any OS.
#include <catch2/catch.hpp>

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "platform/portable/udp_socket_shim.hpp"

namespace {

namespace udp = netdiag::platform::udp;

constexpr int kFakeWsaeinval = 10022;
constexpr int kFakeWsaewouldblock = 10035;

// Answers each send with the next scripted result (then success), and records the calls.
class WinsockLikeShim final : public udp::UdpSocketShim {
public:
    std::deque<udp::CallResult> scripted_sends;
    int segment_option_error = 0;
    std::vector<std::string> calls;
    std::size_t waits = 0;

    int open(udp::Family) override { return 0; }
    void close() override {}
    bool is_open() const override { return true; }
    std::intptr_t native_handle() const override { return 0; }
    int bind(const udp::SocketAddress&) override { return 0; }
    int connect(const udp::SocketAddress&) override { return 0; }
    int local_address(udp::SocketAddress&) const override { return 0; }
    int set_option(udp::SocketOption, int value) override {
        calls.push_back("setsockopt " + std::to_string(value));
        return segment_option_error;
    }
    int get_option(udp::SocketOption, int&) const override { return 0; }
    void set_pinned_source(const udp::SocketAddress&) override {}
    int invalid_argument() const override { return kFakeWsaeinval; }
    bool is_transient(int error) const override { return error == kFakeWsaewouldblock; }
    void wait_for_queue_space(int) override { ++waits; }
    bool supports(udp::SendPath path) const override {
        return path != udp::SendPath::multi_message;
    }
    udp::CallResult send_one(std::span<const std::byte> datagram, const udp::SendTarget&) override {
        calls.push_back("one");
        return next(static_cast<long>(datagram.size()));
    }
    udp::CallResult send_many(std::span<const std::byte>, std::size_t, std::size_t,
                              const udp::SendTarget&, std::size_t&) override {
        calls.push_back("many");
        return {-1, kFakeWsaeinval};
    }
    std::size_t max_messages_per_call() const override { return 1; }
    udp::CallResult send_segmented(std::span<const std::byte> payload, std::size_t,
                                   std::size_t cmsg_segment, const udp::SendTarget&) override {
        calls.push_back("segmented " + std::to_string(cmsg_segment));
        return next(static_cast<long>(payload.size()));
    }
    udp::ReceiveOutcome receive(std::span<std::byte>, std::chrono::milliseconds) override {
        return {};
    }
    std::string_view segment_option_name() const override { return "UDP_SEND_MSG_SIZE"; }
    std::string per_datagram_call(const udp::SendTarget& target) const override {
        return target.pinned ? "WSASendMsg(IP_PKTINFO)" : "WSASendTo";
    }
    std::string segmented_call(udp::SendPath path, bool pinned) const override {
        return path == udp::SendPath::segment_cmsg || pinned ? "WSASendMsg" : "WSASendTo";
    }

private:
    udp::CallResult next(long all_taken) {
        if (scripted_sends.empty()) return {all_taken, 0};
        const auto result = scripted_sends.front();
        scripted_sends.pop_front();
        return result;
    }
};

udp::SendSettings loopback_destination() {
    udp::SendSettings settings;
    settings.destination = *udp::to_socket_address(udp::Endpoint{"127.0.0.1", 9});
    settings.has_destination = true;
    return settings;
}

const std::vector<std::byte> ten_datagrams(10 * 100, std::byte{0x5a});

}  // namespace

TEST_CASE("a segmented send Winsock refuses is rejected with WSAEINVAL and names WSASendMsg",
          "[unit]") {
    WinsockLikeShim shim;
    shim.scripted_sends.push_back({-1, kFakeWsaeinval});
    auto settings = loopback_destination();
    const auto outcome =
        udp::send_datagrams(shim, settings, udp::SendPath::segment_cmsg, ten_datagrams, 100);
    CHECK(outcome.status == udp::SendStatus::rejected);
    CHECK(outcome.error.native == kFakeWsaeinval);
    CHECK(outcome.datagrams == 0);
    CHECK(outcome.retries == 0);
    CHECK(outcome.failed_call == "WSASendMsg(UDP_SEND_MSG_SIZE cmsg=100, 10 segments)");
    CHECK(shim.calls == std::vector<std::string>{"segmented 100"});
}

TEST_CASE("the segment size set as an option goes once through setsockopt, then WSASendTo",
          "[unit]") {
    WinsockLikeShim shim;
    auto settings = loopback_destination();
    const auto first =
        udp::send_datagrams(shim, settings, udp::SendPath::segment_sockopt, ten_datagrams, 100);
    const auto second =
        udp::send_datagrams(shim, settings, udp::SendPath::segment_sockopt, ten_datagrams, 100);
    CHECK(first.status == udp::SendStatus::accepted);
    CHECK(first.datagrams == 10);
    CHECK(first.syscalls == 2);
    CHECK(second.syscalls == 1);
    CHECK(shim.calls == std::vector<std::string>{"setsockopt 100", "segmented 0", "segmented 0"});
}

TEST_CASE("a refused segment-size option is reported as that setsockopt call", "[unit]") {
    WinsockLikeShim shim;
    shim.segment_option_error = kFakeWsaeinval;
    auto settings = loopback_destination();
    const auto outcome =
        udp::send_datagrams(shim, settings, udp::SendPath::segment_sockopt, ten_datagrams, 100);
    CHECK(outcome.status == udp::SendStatus::rejected);
    CHECK(outcome.failed_call == "setsockopt(UDP_SEND_MSG_SIZE=100)");
    CHECK(outcome.error.native == kFakeWsaeinval);
    CHECK(settings.segment_option == 0);
}

TEST_CASE("without sendmmsg the multi-message path is unsupported and sends nothing", "[unit]") {
    WinsockLikeShim shim;
    auto settings = loopback_destination();
    const auto outcome =
        udp::send_datagrams(shim, settings, udp::SendPath::multi_message, ten_datagrams, 100);
    CHECK(outcome.status == udp::SendStatus::unsupported);
    CHECK(outcome.syscalls == 0);
    CHECK(shim.calls.empty());
}

TEST_CASE("WSAEWOULDBLOCK is waited out and a later failure makes the batch partial", "[unit]") {
    WinsockLikeShim shim;
    shim.scripted_sends = {{100, 0}, {-1, kFakeWsaewouldblock}, {100, 0}, {-1, kFakeWsaeinval}};
    auto settings = loopback_destination();
    const auto outcome =
        udp::send_datagrams(shim, settings, udp::SendPath::per_datagram, ten_datagrams, 100);
    CHECK(outcome.status == udp::SendStatus::partial);
    CHECK(outcome.datagrams == 2);
    CHECK(outcome.bytes == 200);
    CHECK(outcome.retries == 1);
    CHECK(shim.waits == 1);
    CHECK(outcome.syscalls == 4);
    CHECK(outcome.failed_call == "WSASendTo");
}

TEST_CASE("a send with no destination is rejected with the shim's invalid argument", "[unit]") {
    WinsockLikeShim shim;
    udp::SendSettings settings;
    const auto outcome =
        udp::send_datagrams(shim, settings, udp::SendPath::per_datagram, ten_datagrams, 100);
    CHECK(outcome.status == udp::SendStatus::rejected);
    CHECK(outcome.error.native == kFakeWsaeinval);
    CHECK(shim.calls.empty());
}
