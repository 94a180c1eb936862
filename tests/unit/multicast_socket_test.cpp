// The portable multicast socket driven through a fake shim that answers the way Winsock does:
// the Windows policy (no SO_REUSEPORT, SO_EXCLUSIVEADDRUSE set before a refused option,
// WSAENOTSOCK on a closed socket, WSAEADDRINUSE from bind passed on as it came, memberships and
// IP_MULTICAST_IF by interface address, IPv6 by index) checked on any OS.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform/portable/multicast_socket_shim.hpp"

namespace {

namespace mc = netdiag::platform::multicast;
namespace udp = netdiag::platform::udp;

constexpr int kFakeWsaeinval = 10022;
constexpr int kFakeWsaenotsock = 10038;
constexpr int kFakeWsaenoprotoopt = 10042;
constexpr int kFakeWsaeaddrinuse = 10048;

std::string text_of(const void* raw, int family) {
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, raw, text, sizeof text);
    return text;
}

// Winsock's SOL_SOCKET, SO_REUSEADDR and SO_EXCLUSIVEADDRUSE (~SO_REUSEADDR).
constexpr mc::OptionName kFakeSoReuseaddr{0xffff, 4};
constexpr mc::OptionName kFakeSoExclusiveaddruse{0xffff, ~4};

bool same(mc::OptionName a, int level, int name) {
    return a.level == level && a.name == name;
}

// The option's name as a person reads it; the IP-level names are this build's constants, as the
// portable code passes them.
std::string option_name(mc::OptionName option) {
    if (same(option, kFakeSoReuseaddr.level, kFakeSoReuseaddr.name)) return "SO_REUSEADDR";
    if (same(option, kFakeSoExclusiveaddruse.level, kFakeSoExclusiveaddruse.name)) {
        return "SO_EXCLUSIVEADDRUSE";
    }
    if (same(option, IPPROTO_IP, IP_MULTICAST_TTL)) return "IP_MULTICAST_TTL";
    if (same(option, IPPROTO_IP, IP_MULTICAST_LOOP)) return "IP_MULTICAST_LOOP";
    if (same(option, IPPROTO_IP, IP_MULTICAST_IF)) return "IP_MULTICAST_IF";
    if (same(option, IPPROTO_IP, IP_ADD_MEMBERSHIP)) return "IP_ADD_MEMBERSHIP";
    if (same(option, IPPROTO_IPV6, IPV6_MULTICAST_HOPS)) return "IPV6_MULTICAST_HOPS";
    if (same(option, IPPROTO_IPV6, IPV6_MULTICAST_LOOP)) return "IPV6_MULTICAST_LOOP";
    if (same(option, IPPROTO_IPV6, IPV6_MULTICAST_IF)) return "IPV6_MULTICAST_IF";
    if (same(option, IPPROTO_IPV6, IPV6_JOIN_GROUP)) return "IPV6_JOIN_GROUP";
    return "option " + std::to_string(option.level) + "/" + std::to_string(option.name);
}

// The value as the option's structure holds it: the group and the interface address of an
// ip_mreq, the group and index of an ipv6_mreq, an in_addr, an index.
std::string value_text(const std::string& name, const void* value, std::size_t size) {
    if (name == "IP_ADD_MEMBERSHIP" && size == sizeof(ip_mreq)) {
        const auto* request = static_cast<const ip_mreq*>(value);
        return text_of(&request->imr_multiaddr, AF_INET) + " on " +
               text_of(&request->imr_interface, AF_INET);
    }
    if (name == "IPV6_JOIN_GROUP" && size == sizeof(ipv6_mreq)) {
        const auto* request = static_cast<const ipv6_mreq*>(value);
        return text_of(&request->ipv6mr_multiaddr, AF_INET6) + " on #" +
               std::to_string(request->ipv6mr_interface);
    }
    if (name == "IP_MULTICAST_IF" && size == sizeof(in_addr)) return text_of(value, AF_INET);
    if (size == 4) {
        std::uint32_t number = 0;
        std::memcpy(&number, value, size);
        return "#" + std::to_string(number);
    }
    return std::to_string(size) + " bytes";
}

// Records every call as text and answers as Winsock would: no SO_REUSEPORT, scripted errors for
// bind and the wait, a scripted datagram for receive.
class WinsockLikeShim final : public mc::MulticastSocketShim {
public:
    std::vector<std::string> calls;
    bool open_now = false;
    int bind_error = 0;
    std::deque<mc::WaitResult> waits;
    std::vector<std::chrono::milliseconds> wait_timeouts;
    std::vector<std::uint8_t> datagram;
    udp::Endpoint sender{"192.0.2.7", 7446};

    int open(mc::Family family) override {
        calls.push_back(family == mc::Family::ipv4 ? "open v4" : "open v6");
        open_now = true;
        return 0;
    }
    void close() override { open_now = false; }
    bool is_open() const override { return open_now; }
    std::optional<mc::OptionName> reuse_option(mc::ReuseOption option) const override {
        switch (option) {
            case mc::ReuseOption::reuse_address:
                return kFakeSoReuseaddr;
            case mc::ReuseOption::exclusive_address_use:
                return kFakeSoExclusiveaddruse;
            case mc::ReuseOption::reuse_port:
                break;
        }
        return std::nullopt;
    }
    int set_int(mc::OptionName option, int value) override {
        calls.push_back(option_name(option) + "=" + std::to_string(value));
        return 0;
    }
    int set_bytes(mc::OptionName option, const void* value, std::size_t size) override {
        const auto name = option_name(option);
        calls.push_back(name + " " + value_text(name, value, size));
        return 0;
    }
    int bind(const udp::SocketAddress& local) override {
        calls.push_back("bind " + udp::to_endpoint(local.get(), local.length)->to_string());
        return bind_error;
    }
    int local_address(udp::SocketAddress& local) const override {
        local = *udp::to_socket_address(udp::Endpoint{"0.0.0.0", 7446});
        return 0;
    }
    int send_to(std::span<const std::uint8_t> bytes, const udp::SocketAddress& to) override {
        calls.push_back("sendto " + udp::to_endpoint(to.get(), to.length)->to_string() + " " +
                        std::to_string(bytes.size()));
        return 0;
    }
    mc::WaitResult wait_readable(std::chrono::milliseconds timeout) override {
        wait_timeouts.push_back(timeout);
        if (waits.empty()) return {mc::WaitResult::State::timed_out, 0};
        const auto next = waits.front();
        waits.pop_front();
        return next;
    }
    mc::ReceiveCall receive(std::span<std::uint8_t> buffer) override {
        mc::ReceiveCall call;
        std::memcpy(buffer.data(), datagram.data(), datagram.size());
        call.size = datagram.size();
        call.from = *udp::to_socket_address(sender);
        return call;
    }
    int not_open() const override { return kFakeWsaenotsock; }
    int invalid_argument() const override { return kFakeWsaeinval; }
    int no_such_option() const override { return kFakeWsaenoprotoopt; }
};

struct Harness {
    WinsockLikeShim* shim = nullptr;
    mc::MulticastSocket socket;

    explicit Harness(std::unique_ptr<WinsockLikeShim> fake = std::make_unique<WinsockLikeShim>())
        : shim(fake.get()), socket(std::move(fake)) {}
};

const mc::PlatformTraits windows_traits{.has_reuse_port = false,
                                        .has_exclusive_address_use = true,
                                        .zenoh_binds_group_address = false,
                                        .reports_arrival_interface = false};

}  // namespace

TEST_CASE("a port another socket holds fails bind with WSAEADDRINUSE as Winsock said it",
          "[unit]") {
    Harness h;
    h.shim->bind_error = kFakeWsaeaddrinuse;
    REQUIRE_FALSE(h.socket.open(mc::Family::ipv4));
    const auto error = h.socket.bind("", 7446, {.reuse_address = true});
    CHECK(error.native == kFakeWsaeaddrinuse);
    CHECK(h.shim->calls ==
          std::vector<std::string>{"open v4", "SO_REUSEADDR=1", "bind 0.0.0.0:7446"});
}

TEST_CASE("SO_REUSEPORT is refused with WSAENOPROTOOPT after the options Windows has are set",
          "[unit]") {
    Harness h;
    REQUIRE_FALSE(h.socket.open(mc::Family::ipv4));
    const auto error = h.socket.bind(
        "224.0.0.224", 7446, {.reuse_address = false, .reuse_port = true, .exclusive = true});
    CHECK(error.native == kFakeWsaenoprotoopt);
    CHECK(h.shim->calls == std::vector<std::string>{"open v4", "SO_EXCLUSIVEADDRUSE=1"});
}

TEST_CASE("Windows names its bind modes without SO_REUSEPORT", "[unit]") {
    CHECK(mc::describe({.reuse_address = true, .reuse_port = true}, windows_traits) ==
          "SO_REUSEADDR");
    CHECK(mc::describe({.reuse_address = false, .reuse_port = true}, windows_traits) == "no reuse");
    CHECK(mc::describe({.reuse_address = false, .reuse_port = false, .exclusive = true},
                       windows_traits) == "SO_EXCLUSIVEADDRUSE");
    mc::PlatformTraits with_reuse_port = windows_traits;
    with_reuse_port.has_reuse_port = true;
    CHECK(mc::describe({.reuse_address = true, .reuse_port = true}, with_reuse_port) ==
          "SO_REUSEADDR+SO_REUSEPORT");
}

TEST_CASE("IPv4 memberships and IP_MULTICAST_IF name the interface by its address", "[unit]") {
    Harness h;
    REQUIRE_FALSE(h.socket.open(mc::Family::ipv4));
    CHECK_FALSE(h.socket.join("224.0.0.224", {.ipv4_address = "192.168.1.20", .index = 7}));
    CHECK_FALSE(h.socket.join("224.0.0.251", {}));
    CHECK_FALSE(h.socket.set_outgoing_interface({.ipv4_address = "192.168.1.20", .index = 7}));
    CHECK_FALSE(h.socket.set_outgoing_interface({}));
    CHECK(h.shim->calls ==
          std::vector<std::string>{"open v4", "IP_ADD_MEMBERSHIP 224.0.0.224 on 192.168.1.20",
                                   "IP_ADD_MEMBERSHIP 224.0.0.251 on 0.0.0.0",
                                   "IP_MULTICAST_IF 192.168.1.20", "IP_MULTICAST_IF 0.0.0.0"});
}

TEST_CASE("IPv6 memberships and IPV6_MULTICAST_IF name the interface by index", "[unit]") {
    Harness h;
    REQUIRE_FALSE(h.socket.open(mc::Family::ipv6));
    CHECK_FALSE(h.socket.join("ff02::1", {.ipv4_address = "192.168.1.20", .index = 7}));
    CHECK_FALSE(h.socket.set_outgoing_interface({.ipv4_address = "", .index = 7}));
    CHECK(h.shim->calls == std::vector<std::string>{"open v6", "IPV6_JOIN_GROUP ff02::1 on #7",
                                                    "IPV6_MULTICAST_IF #7"});
}

TEST_CASE("addresses that are not of the socket's family are WSAEINVAL before any call", "[unit]") {
    Harness h;
    REQUIRE_FALSE(h.socket.open(mc::Family::ipv4));
    CHECK(h.socket.join("ff02::1", {}).native == kFakeWsaeinval);
    CHECK(h.socket.join("224.0.0.224", {.ipv4_address = "eth0"}).native == kFakeWsaeinval);
    CHECK(h.socket.bind("::", 7446).native == kFakeWsaeinval);
    const std::uint8_t byte = 1;
    CHECK(h.socket.send_to("not-an-address", 7446, {&byte, 1}).native == kFakeWsaeinval);
    CHECK(h.shim->calls == std::vector<std::string>{"open v4"});
}

TEST_CASE("a socket that is not open answers WSAENOTSOCK", "[unit]") {
    Harness h;
    CHECK(h.socket.bind("", 7446).native == kFakeWsaenotsock);
    CHECK(h.socket.join("224.0.0.224", {}).native == kFakeWsaenotsock);
    CHECK(h.socket.set_hops(1).native == kFakeWsaenotsock);
    CHECK(h.socket.receive(std::chrono::steady_clock::now()).error.native == kFakeWsaenotsock);
    CHECK_FALSE(h.socket.local_port());
    CHECK(h.shim->calls.empty());
}

TEST_CASE("hops, loopback, sends and the local port go through the shim", "[unit]") {
    Harness h;
    REQUIRE_FALSE(h.socket.open(mc::Family::ipv4));
    CHECK_FALSE(h.socket.set_hops(1));
    CHECK_FALSE(h.socket.set_loopback(true));
    const std::vector<std::uint8_t> bytes(12, 0x5a);
    CHECK_FALSE(h.socket.send_to("224.0.0.224", 7446, bytes));
    CHECK(h.socket.local_port() == std::uint16_t{7446});
    CHECK(h.shim->calls == std::vector<std::string>{"open v4", "IP_MULTICAST_TTL=1",
                                                    "IP_MULTICAST_LOOP=1",
                                                    "sendto 224.0.0.224:7446 12"});
}

TEST_CASE("a receive waits until its deadline and reports a timeout", "[unit]") {
    Harness h;
    REQUIRE_FALSE(h.socket.open(mc::Family::ipv4));
    const auto result =
        h.socket.receive(std::chrono::steady_clock::now() - std::chrono::seconds(1));
    CHECK(result.timed_out);
    CHECK_FALSE(result.datagram);
    REQUIRE(h.shim->wait_timeouts.size() == 1);
    CHECK(h.shim->wait_timeouts.front() == std::chrono::milliseconds{0});
}

TEST_CASE("an interrupted wait is retried, a failed one is the error, a datagram has its sender",
          "[unit]") {
    Harness h;
    REQUIRE_FALSE(h.socket.open(mc::Family::ipv4));
    h.shim->waits = {{mc::WaitResult::State::interrupted, 4}, {mc::WaitResult::State::readable, 0}};
    h.shim->datagram = {1, 2, 3};
    const auto got = h.socket.receive(std::chrono::steady_clock::now() + std::chrono::seconds(5));
    REQUIRE(got.datagram);
    CHECK(got.datagram->bytes == std::vector<std::uint8_t>{1, 2, 3});
    CHECK(got.datagram->source_address == "192.0.2.7");
    CHECK(got.datagram->source_port == 7446);
    CHECK(got.datagram->arrival_interface == 0);
    CHECK(h.shim->wait_timeouts.size() == 2);

    h.shim->waits = {{mc::WaitResult::State::failed, kFakeWsaenotsock}};
    const auto failed = h.socket.receive(std::chrono::steady_clock::now());
    CHECK(failed.error.native == kFakeWsaenotsock);
    CHECK_FALSE(failed.timed_out);
}
