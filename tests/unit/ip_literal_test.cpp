#include <catch2/catch.hpp>

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
