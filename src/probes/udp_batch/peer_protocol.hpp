// The control protocol between the udp-batch probe and `netdiag peer`: one JSON object per
// line over TCP, at most max_line_bytes each. The probe asks, the peer answers every request
// with one line:
//   {"op":"hello","version":1}                  -> {"ok":true,"version":1,"udp_port":47100}
//   {"op":"expect","stream":S,"count":N}        -> {"ok":true}
//   {"op":"report","stream":S,"count":N,"wait_ms":M}
//                                               -> {"ok":true,"report":{…StreamReport…}}
//   {"op":"bye"}                                -> {"ok":true}, then the peer closes
// Errors: {"ok":false,"error":"one line"}. See docs/probes/udp-batch.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "delivery_tally.hpp"

namespace netdiag::udp_batch {

inline constexpr int peer_protocol_version = 1;
inline constexpr std::size_t max_line_bytes = 4096;
inline constexpr std::uint16_t default_peer_port = 47100;
inline constexpr std::uint32_t max_report_wait_ms = 2000;

enum class PeerOp { hello, expect, report, bye };

struct PeerRequest {
    PeerOp op = PeerOp::hello;
    int version = peer_protocol_version;
    std::uint32_t stream = 0;
    std::uint64_t count = 0;
    std::uint32_t wait_ms = 0;
};

// One request as a line (with the trailing newline).
std::string encode_request(const PeerRequest& request);
// Parses one request line; nullopt with error set when it is not a valid request.
std::optional<PeerRequest> parse_request(std::string_view line, std::string& error);

std::string encode_ok(nlohmann::json fields = nlohmann::json::object());
std::string encode_error(std::string_view error);
// Parses a response line: the object when "ok" is true, else nullopt with the peer's error.
std::optional<nlohmann::json> parse_response(std::string_view line, std::string& error);

}  // namespace netdiag::udp_batch
