// The control protocol of `netdiag peer`: what the probe sends and what it accepts back.
#include <catch2/catch.hpp>

#include "probes/udp_batch/peer_protocol.hpp"

using namespace netdiag::udp_batch;

TEST_CASE("requests round-trip through their line form") {
    std::string error;
    const PeerRequest report{PeerOp::report, peer_protocol_version, 42, 32, 150};
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
    CHECK_FALSE(parse_request(std::string(max_line_bytes + 1, ' '), error));
}

TEST_CASE("a report's wait is capped so a peer never waits long") {
    std::string error;
    const auto parsed =
        parse_request(R"({"op":"report","stream":1,"count":2,"wait_ms":999999})", error);
    REQUIRE(parsed);
    CHECK(parsed->wait_ms == max_report_wait_ms);
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
