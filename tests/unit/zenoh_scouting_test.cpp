// The Zenoh scouting codec: exact bytes of a Scout as Zenoh sends it, Hello round trips, and
// every way a hostile or truncated datagram must fail with a precise error.
#include <catch2/catch.hpp>

#include <random>

#include "proto/zenoh/zenoh_scouting.hpp"

using namespace netdiag::proto::zenoh;
using Bytes = std::vector<std::uint8_t>;

namespace {

Hello hello_with(std::vector<std::uint8_t> zid, std::vector<std::string> locators = {}) {
    Hello hello;
    hello.zid = std::move(zid);
    hello.locators = std::move(locators);
    return hello;
}

template <typename T>
T scout_value_of(const netdiag::proto::Decoded<T>& r) {
    if (!r) FAIL("decode failed: " << r.error().describe());
    return r.value();
}

template <typename T>
netdiag::proto::DecodeError scout_error_of(const netdiag::proto::Decoded<T>& r) {
    REQUIRE_FALSE(r.ok());
    return r.error();
}

}  // namespace

TEST_CASE("zenoh: a Scout for routers and peers is the three bytes Zenoh sends", "[zenoh]") {
    CHECK(encode(Scout{}) == Bytes{0x01, 0x09, 0x03});
    Scout old;
    old.version = kVersion011;
    old.what = kWhatRouter | kWhatPeer | kWhatClient;
    CHECK(encode(old) == Bytes{0x01, 0x08, 0x07});
}

TEST_CASE("zenoh: a Scout with an id sets I and the id length", "[zenoh]") {
    Scout scout;
    scout.zid = {0xaa, 0xbb, 0xcc, 0xdd};
    const auto bytes = encode(scout);
    CHECK(bytes == Bytes{0x01, 0x09, 0x3b, 0xaa, 0xbb, 0xcc, 0xdd});
    const auto back = scout_value_of(decode_scout(bytes));
    CHECK(back.zid == scout.zid);
    CHECK(back.what == 0x03);
}

TEST_CASE("zenoh: Hello with locators encodes and decodes byte for byte", "[zenoh]") {
    Hello hello;
    hello.whatami = WhatAmI::router;
    hello.zid = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};
    hello.locators = {"tcp/192.168.1.1:7447", "udp/[fe80::1]:7447"};
    const auto bytes = encode(hello);
    // header with L, version, zid_len 15 | router, 16 id bytes, count 2, len 20, …
    REQUIRE(bytes.size() == 3 + 16 + 1 + 1 + 20 + 1 + 18);
    CHECK(bytes[0] == 0x22);
    CHECK(bytes[1] == 0x09);
    CHECK(bytes[2] == 0xf0);
    CHECK(bytes[19] == 2);
    CHECK(bytes[20] == 20);

    const auto back = scout_value_of(decode_hello(bytes));
    CHECK(back.whatami == WhatAmI::router);
    CHECK(back.zid == hello.zid);
    CHECK(back.locators == hello.locators);
    CHECK(zid_hex(back.zid) == "0102030405060708090a0b0c0d0e0f10");
}

TEST_CASE("zenoh: Hello without L has no locators, every role decodes", "[zenoh]") {
    for (auto role : {WhatAmI::router, WhatAmI::peer, WhatAmI::client}) {
        Hello hello;
        hello.whatami = role;
        hello.zid = {0x42};
        const auto bytes = encode(hello);
        CHECK(bytes[0] == 0x02);
        const auto back = scout_value_of(decode_hello(bytes));
        CHECK(back.whatami == role);
        CHECK(back.locators.empty());
    }
}

TEST_CASE("zenoh: decode tells Scout from Hello and refuses other ids", "[zenoh]") {
    const auto scout = decode(Bytes{0x01, 0x09, 0x03});
    CHECK(std::holds_alternative<Scout>(scout_value_of(scout)));
    const auto hello = decode(encode(hello_with({1, 2})));
    CHECK(std::holds_alternative<Hello>(scout_value_of(hello)));
    CHECK_THAT(scout_error_of(decode(Bytes{0x05, 0x09, 0x03})).message,
               Catch::Contains("not a scouting message"));
    CHECK(scout_error_of(decode(Bytes{})).message == "empty datagram");
}

TEST_CASE("zenoh: versions 0x08 and 0x09 are both accepted and reported", "[zenoh]") {
    auto bytes = encode(hello_with({7}));
    bytes[1] = 0x08;
    CHECK(scout_value_of(decode_hello(bytes)).version == 0x08);
}

TEST_CASE("zenoh: extensions after the body are skipped by their encoding", "[zenoh]") {
    Bytes bytes = encode(hello_with({0x11, 0x22}, {"udp/1.2.3.4:7447"}));
    bytes[0] |= 0x80;                     // Z: extensions follow
    bytes.push_back(0x80 | 0x01);         // unit extension id 1, another follows
    bytes.push_back(0x80 | 0x20 | 0x02);  // z64 extension id 2, another follows
    bytes.push_back(0xff);
    bytes.push_back(0x01);         // varint 255
    bytes.push_back(0x40 | 0x03);  // zbuf extension id 3, last
    bytes.push_back(3);
    bytes.insert(bytes.end(), {'a', 'b', 'c'});
    const auto hello = scout_value_of(decode_hello(bytes));
    CHECK(hello.extensions_skipped == 3);
    CHECK(hello.locators == std::vector<std::string>{"udp/1.2.3.4:7447"});
}

TEST_CASE("zenoh: truncated and lying datagrams fail with the offset and the reason", "[zenoh]") {
    const Bytes full = encode(hello_with({1, 2, 3, 4}, {"tcp/10.0.0.1:7447"}));
    // Every proper prefix of a valid Hello must fail, never read past its end.
    for (std::size_t n = 0; n < full.size(); ++n) {
        const Bytes prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
        CHECK_FALSE(decode_hello(prefix).ok());
    }

    SECTION("a locator count larger than the datagram") {
        Bytes bytes{0x22, 0x09, 0x01, 0xaa};
        write_varint(bytes, 1'000'000'000);
        const auto e = scout_error_of(decode_hello(bytes));
        CHECK(e.offset == 9);
        CHECK_THAT(e.message, Catch::Contains("locator count 1000000000 exceeds 0"));
    }
    SECTION("a locator length beyond the end") {
        const Bytes bytes{0x22, 0x09, 0x01, 0xaa, 0x01, 0xc8, 0x01, 'x'};
        CHECK_THAT(scout_error_of(decode_hello(bytes)).message,
                   Catch::Contains("locator 0 length 200 exceeds 1 remaining"));
    }
    SECTION("whatami 0b11") {
        CHECK_THAT(scout_error_of(decode_hello(Bytes{0x02, 0x09, 0x03, 0x00})).message,
                   Catch::Contains("whatami 0b11"));
    }
    SECTION("an id longer than the datagram") {
        const auto e = scout_error_of(decode_hello(Bytes{0x02, 0x09, 0xf1, 1, 2, 3}));
        CHECK(e.offset == 3);
        CHECK_THAT(e.message, Catch::Contains("zenoh id needs 16 bytes, 3 remain"));
    }
    SECTION("an extension with the reserved encoding") {
        const Bytes bytes{0x82, 0x09, 0x01, 0x00, 0x60 | 0x01};
        CHECK_THAT(scout_error_of(decode_hello(bytes)).message,
                   Catch::Contains("reserved encoding"));
    }
    SECTION("a varint of eleven bytes") {
        Bytes bytes{0x22, 0x09, 0x01, 0x00};
        bytes.insert(bytes.end(), 11, 0xff);
        CHECK_THAT(scout_error_of(decode_hello(bytes)).message, Catch::Contains("count truncated"));
    }
}

TEST_CASE("zenoh: varints round-trip at their boundaries", "[zenoh]") {
    for (std::uint64_t v :
         {0ULL, 1ULL, 127ULL, 128ULL, 16383ULL, 16384ULL, 0xffffffffULL, 0xffffffffffffffffULL}) {
        Bytes out;
        write_varint(out, v);
        std::size_t offset = 0;
        const auto back = read_varint(out, offset);
        REQUIRE(back);
        CHECK(*back == v);
        CHECK(offset == out.size());
    }
    Bytes max;
    write_varint(max, ~0ULL);
    CHECK(max.size() == 10);
}

TEST_CASE("zenoh: random bytes never crash the decoder", "[zenoh]") {
    std::mt19937 random(7446);
    std::size_t decoded = 0;
    for (int i = 0; i < 20000; ++i) {
        Bytes bytes(random() % 64);
        for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
        if (!bytes.empty()) bytes[0] = static_cast<std::uint8_t>((bytes[0] & 0xe0) | 0x02);
        const auto result = decode(bytes);
        if (result) {
            ++decoded;
            // What decodes must re-encode to something that decodes to the same locators.
            if (const auto* h = std::get_if<Hello>(&result.value())) {
                const auto again = decode_hello(encode(*h));
                REQUIRE(again.ok());
                CHECK(again.value().locators == h->locators);
            }
        }
    }
    CHECK(decoded > 0);
}
