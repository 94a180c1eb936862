// The spice probe's judgement on hand-made observations: duplicates in and across lists,
// handshake failures, the channel table.
#include <catch2/catch.hpp>

#include "probes/spice/spice_analysis.hpp"
#include "probes/spice/spice_target.hpp"

using namespace netdiag::probes::spice;
using namespace std::chrono_literals;

namespace {

SpiceObservation linked(std::vector<ChannelList> lists) {
    SpiceObservation o;
    o.target = "127.0.0.1:5930";
    o.endpoint = "127.0.0.1:5930";
    o.stage = Stage::watching;
    o.server_major = 2;
    o.server_minor = 2;
    o.lists = std::move(lists);
    return o;
}

}  // namespace

TEST_CASE("spice duplicates across lists are found with their timing", "[spice][analysis]") {
    const auto dups = find_duplicate_channels({{0, 50ms, {{6, 0}, {5, 0}, {2, 0}}},
                                               {1, 9000ms, {{5, 0}}},
                                               {2, 12000ms, {{5, 0}}},
                                               {3, 13000ms, {{5, 1}}}});
    REQUIRE(dups.size() == 1);
    CHECK(dups[0].channel == netdiag::proto::spice::ChannelId{5, 0});
    CHECK(dups[0].announcements == 3);
    CHECK(dups[0].first_list == 0);
    CHECK(dups[0].again_list == 1);
    CHECK(dups[0].again_at == 9000ms);
}

TEST_CASE("spice duplicate PLAYBACK names the QEMU versions", "[spice][analysis]") {
    const auto a = analyse(linked({{0, 50ms, {{6, 0}, {5, 0}}}, {1, 3050ms, {{5, 0}}}}));
    REQUIRE(a.findings.size() == 1);
    const auto& f = a.findings[0];
    CHECK(f.id == "ND-SPICE-001");
    CHECK(f.probe == "spice");
    CHECK(f.title == "SPICE server at 127.0.0.1:5930 lists PLAYBACK (5, 0) twice");
    CHECK(f.detail.find("announced again in channel list #2 at 3050 ms") != std::string::npos);
    CHECK(f.detail.find("QEMU 9.1.1") != std::string::npos);
    CHECK(f.remedy.size() == 4);
    CHECK(a.table["rows"][1][0] == "PLAYBACK");
    CHECK(a.table["rows"][1][3] == 2);
}

TEST_CASE("spice duplicate of a non-audio channel has generic advice", "[spice][analysis]") {
    const auto a = analyse(linked({{0, 50ms, {{2, 0}, {2, 0}}}}));
    REQUIRE(a.findings.size() == 1);
    CHECK(a.findings[0].title == "SPICE server at 127.0.0.1:5930 lists DISPLAY (2, 0) twice");
    CHECK(a.findings[0].detail.find("QEMU 9.1.1") == std::string::npos);
    CHECK(a.findings[0].evidence["same_list"] == true);
}

TEST_CASE("spice clean observation: no findings, measurements filled", "[spice][analysis]") {
    auto o = linked({{0, 50ms, {{6, 0}, {5, 0}, {2, 0}, {4, 0}, {3, 0}}}});
    o.server_common_caps = {0b1011};
    o.mini_header = true;
    const auto a = analyse(o);
    CHECK(a.findings.empty());
    CHECK(a.measurement["protocol"] == "2.2");
    CHECK(a.measurement["common_caps"].size() == 3);
    CHECK(a.table["rows"].size() == 5);
}

TEST_CASE("spice handshake failures map to their findings", "[spice][analysis]") {
    SpiceObservation o;
    o.target = "127.0.0.1:5930";
    SECTION("permission denied without a password") {
        o.stage = Stage::link_result;
        o.failure = Failure::auth_failed;
        o.link_result = 7;
        const auto a = analyse(o);
        REQUIRE(a.findings.size() == 1);
        CHECK(a.findings[0].id == "ND-SPICE-004");
        CHECK(a.findings[0].title == "SPICE server at 127.0.0.1:5930 requires a password");
        CHECK(a.findings[0].evidence["link_result"] == "PERMISSION_DENIED");
    }
    SECTION("closed while watching is a warning") {
        o.stage = Stage::watching;
        o.failure = Failure::closed;
        const auto a = analyse(o);
        REQUIRE(a.findings.size() == 1);
        CHECK(a.findings[0].id == "ND-SPICE-005");
        CHECK(a.findings[0].severity == netdiag::Severity::warning);
    }
    SECTION("a connect timeout is a connect finding") {
        o.stage = Stage::connect;
        o.failure = Failure::timed_out;
        CHECK(analyse(o).findings.at(0).id == "ND-SPICE-008");
    }
    SECTION("version mismatch") {
        o.stage = Stage::link_reply;
        o.failure = Failure::version_mismatch;
        o.server_major = 3;
        const auto a = analyse(o);
        CHECK(a.findings.at(0).id == "ND-SPICE-003");
        CHECK(a.findings.at(0).evidence["server_version"] == "3.0");
    }
}

TEST_CASE("spice targets parse as HOST:PORT", "[spice]") {
    std::string error;
    auto t = parse_spice_target("127.0.0.1:5930", error);
    REQUIRE(t);
    CHECK(t->host == "127.0.0.1");
    CHECK(t->port == 5930);
    t = parse_spice_target("[::1]:5900", error);
    REQUIRE(t);
    CHECK(t->host == "::1");
    CHECK_FALSE(parse_spice_target("::1:5900", error));
    CHECK(error.find("brackets") != std::string::npos);
    CHECK_FALSE(parse_spice_target("host:0", error));
    CHECK_FALSE(parse_spice_target("host:70000", error));
    CHECK_FALSE(parse_spice_target("host", error));
    CHECK_FALSE(parse_spice_target(":5900", error));
}
