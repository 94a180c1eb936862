// The one HOST:PORT parser: each use gets its own default port and its own example port in the
// messages, so --peer never suggests SPICE's 5930.
#include <catch2/catch.hpp>

#include "core/host_port.hpp"

TEST_CASE("HOST:PORT reads names, IPv4 and bracketed IPv6 with a port from 1 to 65535") {
    std::string error;
    const auto name = netdiag::parse_host_port("vmhost:5900", netdiag::kSpiceServer, error);
    REQUIRE(name);
    CHECK(name->host == "vmhost");
    CHECK(name->port == 5900);
    const auto v6 = netdiag::parse_host_port("[::1]:5930", netdiag::kSpiceServer, error);
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK_FALSE(netdiag::parse_host_port("127.0.0.1:0", netdiag::kSpiceServer, error));
    CHECK(error == "'127.0.0.1:0': port must be a number from 1 to 65535");
    CHECK_FALSE(netdiag::parse_host_port("::1:5930", netdiag::kSpiceServer, error));
    CHECK(error == "'::1:5930': an IPv6 host goes in brackets: [::1]:5930");
    CHECK_FALSE(netdiag::parse_host_port("", netdiag::kDiscardService, error));
}

TEST_CASE("HOST:PORT errors give the use's own example port") {
    std::string error;
    CHECK_FALSE(netdiag::parse_host_port("nohost", netdiag::kSpiceServer, error));
    CHECK(error == "'nohost': expected HOST:PORT, e.g. 127.0.0.1:5930");
    CHECK_FALSE(netdiag::parse_host_port("nohost", netdiag::kNetdiagPeer, error));
    CHECK(error.find("47100") != std::string::npos);
    CHECK(error.find("5930") == std::string::npos);
    CHECK_FALSE(netdiag::parse_host_port("a:b:c", netdiag::kDiscardService, error));
    CHECK(error == "'a:b:c': an IPv6 host goes in brackets: [::1]:9");
}

TEST_CASE("a use with a default port takes a bare host or IPv6 literal") {
    std::string error;
    const auto bare = netdiag::parse_host_port("192.0.2.7", netdiag::kDiscardService, error);
    REQUIRE(bare);
    CHECK(bare->port == 9);
    const auto v6 = netdiag::parse_host_port("2001:db8::7", netdiag::kDiscardService, error);
    REQUIRE(v6);
    CHECK(v6->host == "2001:db8::7");
    CHECK(v6->port == 9);
    const auto listen = netdiag::parse_host_port("0.0.0.0", netdiag::kPeerListen, error);
    REQUIRE(listen);
    CHECK(listen->port == 47100);
}
