// The control protocol of `netdiag peer`: what the probe sends and what it accepts back.
#include <catch2/catch.hpp>

#include "probes/udp_batch/peer_protocol.hpp"
#include "probes/udp_batch/two_host_datagram.hpp"

using namespace netdiag::probes::udp_batch;

TEST_CASE("requests round-trip through their line form") {
    std::string error;
    const PeerRequest report{PeerOp::report, kPeerProtocolVersion, 42, 32, 150};
    const auto line = encode_request(report);
    REQUIRE(line.back() == '\n');
    const auto parsed = parse_request(line.substr(0, line.size() - 1), error);
    REQUIRE(parsed);
    CHECK(parsed->op == PeerOp::report);
    CHECK(parsed->stream == 42);
    CHECK(parsed->count == 32);
    CHECK(parsed->wait_ms == 150);

    const auto hello = parse_request(R"({"op":"hello","version":1})", error);
    REQUIRE(hello);
    CHECK(hello->op == PeerOp::hello);
    CHECK(hello->version == 1);
}

TEST_CASE("malformed requests are refused with a reason") {
    std::string error;
    CHECK_FALSE(parse_request("not json", error));
    CHECK(error == "not a JSON object");
    CHECK_FALSE(parse_request(R"({"op":"launch"})", error));
    CHECK(error.find("unknown op") != std::string::npos);
    CHECK_FALSE(parse_request(R"({"op":"report","stream":1,"count":-4,"wait_ms":1})", error));
    CHECK(error.find("count") != std::string::npos);
    CHECK_FALSE(parse_request(std::string(kMaxLineBytes + 1, ' '), error));
}

TEST_CASE("a report's wait is capped so a peer never waits long") {
    std::string error;
    const auto parsed =
        parse_request(R"({"op":"report","stream":1,"count":2,"wait_ms":999999})", error);
    REQUIRE(parsed);
    CHECK(parsed->wait_ms == kMaxReportWaitMs);
}

TEST_CASE("responses: ok carries fields, errors carry the peer's text") {
    std::string error;
    const auto ok = parse_response(encode_ok({{"udp_port", 47100}}), error);
    REQUIRE(ok);
    CHECK((*ok)["udp_port"] == 47100);
    CHECK_FALSE(parse_response(encode_error("unsupported protocol version 9"), error));
    CHECK(error == "unsupported protocol version 9");
    CHECK_FALSE(parse_response(R"({"udp_port":1})", error));
}

TEST_CASE("version 2: the two-host multicast requests round-trip") {
    std::string error;
    PeerRequest send;
    send.op = PeerOp::mcast_send;
    send.group = "224.0.0.224";
    send.port = 40002;
    send.stream = 0xdeadbeef;
    send.count = 5;
    const auto line = encode_request(send);
    const auto parsed = parse_request(line.substr(0, line.size() - 1), error);
    REQUIRE(parsed);
    CHECK(parsed->op == PeerOp::mcast_send);
    CHECK(parsed->group == "224.0.0.224");
    CHECK(parsed->port == 40002);
    CHECK(parsed->stream == 0xdeadbeef);
    CHECK(parsed->count == 5);

    const auto listen = parse_request(R"({"op":"mcast_listen","group":"239.1.2.3"})", error);
    REQUIRE(listen);
    CHECK(listen->op == PeerOp::mcast_listen);
    const auto report =
        parse_request(R"({"op":"mcast_report","token":7,"count":5,"wait_ms":99999})", error);
    REQUIRE(report);
    CHECK(report->wait_ms == kMaxReportWaitMs);
}

TEST_CASE("version 2: hostile multicast requests get a precise error") {
    std::string error;
    CHECK_FALSE(parse_request(R"({"op":"mcast_listen","group":"10.0.0.1"})", error));
    CHECK(error == "\"group\" is not an IPv4 multicast address");
    CHECK_FALSE(parse_request(R"({"op":"mcast_listen","group":"ff02::1"})", error));
    CHECK(error == "\"group\" is not an IPv4 multicast address");
    CHECK_FALSE(parse_request(R"({"op":"mcast_listen","group":7})", error));
    CHECK(error == "missing \"group\"");
    // A peer never floods the group on request: the count is bounded.
    CHECK_FALSE(parse_request(
        R"({"op":"mcast_send","group":"224.0.0.224","port":9,"token":1,"count":100000})", error));
    CHECK(error == "\"count\" 100000 is outside 1..64");
    CHECK_FALSE(parse_request(
        R"({"op":"mcast_send","group":"224.0.0.224","port":70000,"token":1,"count":5})", error));
    CHECK(error == "\"port\" 70000 is outside 1..65535");
    CHECK_FALSE(parse_request(R"({"op":"mcast_report","count":5,"wait_ms":1})", error));
    CHECK(error == "missing or non-numeric \"token\"");
    CHECK_FALSE(parse_request(R"({"op":"mcast_report","token":1,"count":0,"wait_ms":1})", error));
    CHECK(error == "\"count\" 0 is outside 1..64");
}

TEST_CASE("two-host datagrams: 12 bytes, counted once per sequence, strays apart") {
    const auto bytes = encode_two_host({TwoHostKind::unicast, 3, 0x01020304});
    CHECK(bytes == std::array<std::uint8_t, 12>{'N', 'D', 'M', 'C', 2, 0, 0, 3, 1, 2, 3, 4});
    std::string error;
    const auto parsed = parse_two_host(bytes, error);
    REQUIRE(parsed);
    CHECK(parsed->kind == TwoHostKind::unicast);
    CHECK(parsed->sequence == 3);
    CHECK(parsed->token == 0x01020304);

    CHECK_FALSE(parse_two_host(std::span(bytes).first(3), error));
    CHECK(error == "12 bytes expected, got 3");
    auto wrong = bytes;
    wrong[0] = 'X';
    CHECK_FALSE(parse_two_host(wrong, error));
    CHECK(error == "does not start with NDMC");
    wrong = bytes;
    wrong[4] = 7;
    CHECK_FALSE(parse_two_host(wrong, error));
    CHECK(error == "offset 4: kind 7 (1 or 2 expected)");

    TwoHostTally tally(0x01020304);
    CHECK(tally.add(bytes));
    CHECK(tally.add(bytes));  // a duplicate is ours but counted once
    CHECK(tally.add(encode_two_host({TwoHostKind::multicast, 0, 0x01020304})));
    CHECK_FALSE(tally.add(encode_two_host({TwoHostKind::multicast, 1, 0x09090909})));
    CHECK_FALSE(tally.add(std::span(bytes).first(5)));
    CHECK(tally.unicast() == 1);
    CHECK(tally.multicast() == 1);
    CHECK(tally.foreign() == 2);
    CHECK(tally.complete(1));
    CHECK_FALSE(tally.complete(2));
}
