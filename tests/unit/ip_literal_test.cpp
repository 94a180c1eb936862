// Textual addresses: IP literals, and HOST:PORT as the options read it.
#include <catch2/catch.hpp>

#include "core/host_port.hpp"
#include "core/ip_literal.hpp"

using netdiag::is_ipv4_literal;
using netdiag::is_ipv6_literal;
using netdiag::parse_ip_literal;

TEST_CASE("IPv4 literals are dotted quads only", "[ip]") {
    CHECK(is_ipv4_literal("192.0.2.7"));
    CHECK(is_ipv4_literal("0.0.0.0"));
    CHECK(is_ipv4_literal("255.255.255.255"));
    CHECK_FALSE(is_ipv4_literal("256.1.1.1"));
    CHECK_FALSE(is_ipv4_literal("6.1.0"));  // a kernel version, not an address
    CHECK_FALSE(is_ipv4_literal("6.1.0-18"));
    CHECK_FALSE(is_ipv4_literal("192.0.2.7:7446"));
    CHECK_FALSE(is_ipv4_literal("192.0.2.07"));  // octal shorthand elsewhere
    CHECK_FALSE(is_ipv4_literal("1.2.3.4.5"));
    CHECK_FALSE(is_ipv4_literal("1..3.4"));
    CHECK_FALSE(is_ipv4_literal(""));
    CHECK_FALSE(is_ipv4_literal("3232235777"));  // inet_aton accepts this
}

TEST_CASE("IPv6 literals follow RFC 4291 text forms", "[ip]") {
    CHECK(is_ipv6_literal("::"));
    CHECK(is_ipv6_literal("::1"));
    CHECK(is_ipv6_literal("fe80::1"));
    CHECK(is_ipv6_literal("fe80::fc:ff:fe00:1"));
    CHECK(is_ipv6_literal("2001:db8:0:0:0:0:0:5"));
    CHECK(is_ipv6_literal("2001:db8::"));
    CHECK(is_ipv6_literal("::ffff:192.0.2.7"));
    CHECK(is_ipv6_literal("fe80::1%eth0"));
    CHECK(is_ipv6_literal("ff02::1"));
    CHECK_FALSE(is_ipv6_literal("00:34:39"));  // a time of day
    CHECK_FALSE(is_ipv6_literal("1:2:3:4:5:6:7"));
    CHECK_FALSE(is_ipv6_literal("1:2:3:4:5:6:7:8:9"));
    CHECK_FALSE(is_ipv6_literal("1::2::3"));
    CHECK_FALSE(is_ipv6_literal("12345::1"));
    CHECK_FALSE(is_ipv6_literal("fe80::1%"));
    CHECK_FALSE(is_ipv6_literal("[::1]:80"));
    CHECK_FALSE(is_ipv6_literal(":1"));
    CHECK_FALSE(is_ipv6_literal("1:"));
    CHECK_FALSE(is_ipv6_literal("deadbeef"));
}

TEST_CASE("parse_ip_literal gives the address or nothing", "[ip]") {
    REQUIRE(parse_ip_literal("192.0.2.7"));
    CHECK(parse_ip_literal("192.0.2.7")->to_string() == "192.0.2.7");
    CHECK(parse_ip_literal("2001:db8::5")->is_v6());
    CHECK_FALSE(parse_ip_literal("192.0.2.7:7446"));
    CHECK_FALSE(parse_ip_literal("localhost"));
}

// The one HOST:PORT parser: each use gets its own default port and its own example port in the
// messages, so --peer never suggests SPICE's 5930.
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
