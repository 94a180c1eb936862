// The control protocol between the probes and `netdiag peer`: one JSON object per line over
// TCP, at most kMaxLineBytes each. The probe asks, the peer answers every request with one
// line:
//   {"op":"hello","version":V}                  -> {"ok":true,"version":V,"udp_port":47100,
//                                                   "max_version":2}
//   {"op":"expect","stream":S,"count":N}        -> {"ok":true}
//   {"op":"report","stream":S,"count":N,"wait_ms":M}
//                                               -> {"ok":true,"report":{…StreamReport…}}
//   {"op":"bye"}                                -> {"ok":true}, then the peer closes
// Version 2 adds the two-host multicast check (the multicast probe's --peer):
//   {"op":"mcast_listen","group":G}             -> {"ok":true,"port":P,"address":A}
//   {"op":"mcast_report","token":T,"count":N,"wait_ms":M}
//                                               -> {"ok":true,"multicast":K,"unicast":U}
//   {"op":"mcast_send","group":G,"port":P,"token":T,"count":N}
//                                               -> {"ok":true,"sent_multicast":K,
//                                                   "sent_unicast":U,"send_error":"…"}
// Errors: {"ok":false,"error":"one line"}. See docs/probes/udp-batch.md and
// docs/probes/multicast.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "delivery_tally.hpp"

namespace netdiag::probes::udp_batch {

// The newest version this build speaks; a peer accepts every version from 1 to this one, and
// a v2 op on a connection that said hello with version 1 is refused.
inline constexpr int kPeerProtocolVersion = 2;
inline constexpr int kPeerMulticastVersion = 2;  // the first version with the mcast_* ops
inline constexpr std::size_t kMaxLineBytes = 4096;
inline constexpr std::uint16_t kDefaultPeerPort = 47100;
inline constexpr std::uint32_t kMaxReportWaitMs = 2000;
// A two-host multicast check sends a handful of datagrams each way; a larger count is refused
// so a request cannot make the peer flood the group.
inline constexpr std::uint64_t kMaxMulticastCount = 64;

enum class PeerOp { hello, expect, report, bye, mcast_listen, mcast_report, mcast_send };

struct PeerRequest {
    PeerOp op = PeerOp::hello;
    int version = kPeerProtocolVersion;
    std::uint32_t stream = 0;  // also the token of the mcast_* ops
    std::uint64_t count = 0;
    std::uint32_t wait_ms = 0;
    std::string group{};     // mcast_listen, mcast_send: an IPv4 multicast address
    std::uint16_t port = 0;  // mcast_send: where the prober listens
};

// One request as a line (with the trailing newline).
std::string encode_request(const PeerRequest& request);
// Parses one request line; nullopt with error set when it is not a valid request.
std::optional<PeerRequest> parse_request(std::string_view line, std::string& error);

std::string encode_ok(nlohmann::json fields = nlohmann::json::object());
std::string encode_error(std::string_view error);
// Parses a response line: the object when "ok" is true, else nullopt with the peer's error.
std::optional<nlohmann::json> parse_response(std::string_view line, std::string& error);

}  // namespace netdiag::probes::udp_batch
