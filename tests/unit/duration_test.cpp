#include <catch2/catch.hpp>

#include "core/duration.hpp"

using netdiag::parse_duration;
using std::chrono::milliseconds;

TEST_CASE("durations parse with units, bare numbers are seconds") {
    CHECK(parse_duration("250ms") == milliseconds(250));
    CHECK(parse_duration("5s") == milliseconds(5000));
    CHECK(parse_duration("1.5") == milliseconds(1500));
    CHECK(parse_duration("2m") == milliseconds(120000));
    CHECK(parse_duration("1h") == milliseconds(3600000));
    CHECK_FALSE(parse_duration(""));
    CHECK_FALSE(parse_duration("-1s"));
    CHECK_FALSE(parse_duration("5 s"));
    CHECK_FALSE(parse_duration("fast"));
    CHECK_FALSE(parse_duration("5d"));
    CHECK_FALSE(parse_duration("1e20"));
}

TEST_CASE("UTC timestamps are RFC 3339 with milliseconds") {
    using namespace std::chrono;
    const sys_days day = year{2026} / November / 23;
    const auto t = day + hours(1) + minutes(2) + seconds(3) + milliseconds(45);
    CHECK(netdiag::format_utc(t) == "2026-11-23T01:02:03.045Z");
}

TEST_CASE("one duration check for every option: syntax, then the option's minimum") {
    CHECK(netdiag::duration_error("250ms").empty());
    CHECK(netdiag::duration_error("1x") == "invalid duration '1x' (examples: 250ms, 5s, 2m)");
    CHECK(netdiag::duration_error("5ms", milliseconds(10)) == "must be at least 10ms");
    CHECK(netdiag::duration_error("2s", milliseconds(1000)).empty());
    CHECK(netdiag::duration_text(milliseconds(2000)) == "2s");
    CHECK(netdiag::duration_text(milliseconds(800)) == "800ms");
}
