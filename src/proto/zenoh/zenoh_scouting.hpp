// Zenoh scouting messages (Scout and Hello) as they travel on UDP 224.0.0.224:7446.
// Pure codec: bytes in, values or a precise error out. Every length on the wire is checked
// against the bytes that are actually there before anything is allocated, so arbitrary input
// (a fuzzer, a hostile peer) can only produce an error.
//
// Layout (see docs/probes/multicast.md):
//   header  Z(bit 7) | flags(bits 6..5) | id(bits 4..0)     SCOUT = 0x01, HELLO = 0x02
//   Scout:  version | zid_len(4) I(1) what(3) | [1 + zid_len bytes of id if I]
//   Hello:  version | zid_len(4) X X whatami(2) | 1 + zid_len bytes of id
//           | if L (bit 5): count (LEB128) then count x (length (LEB128), UTF-8 locator)
//   then, if Z: extensions, each a header byte (bit 7 = another follows, bits 6..5 = body
//   encoding: unit / LEB128 integer / length-prefixed bytes) and its body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "proto/decoded.hpp"

namespace netdiag::proto::zenoh {

inline constexpr std::uint8_t kScoutId = 0x01;
inline constexpr std::uint8_t kHelloId = 0x02;
// Protocol versions seen in the field: 0x08 (Zenoh 0.10/0.11), 0x09 (Zenoh 1.x).
inline constexpr std::uint8_t kVersion011 = 0x08;
inline constexpr std::uint8_t kVersion1 = 0x09;
inline constexpr std::size_t kMaxZidBytes = 16;

// Roles in a Scout's `what` bitmap.
inline constexpr std::uint8_t kWhatRouter = 0b001;
inline constexpr std::uint8_t kWhatPeer = 0b010;
inline constexpr std::uint8_t kWhatClient = 0b100;

enum class WhatAmI { router, peer, client };
std::string_view to_string(WhatAmI role);

struct Scout {
    std::uint8_t version = kVersion1;
    std::uint8_t what = kWhatRouter | kWhatPeer;  // roles the sender wants answers from
    std::vector<std::uint8_t> zid;                // empty: the sender sent no id (Zenoh's way)
};

struct Hello {
    std::uint8_t version = kVersion1;
    WhatAmI whatami = WhatAmI::peer;
    std::vector<std::uint8_t> zid;      // 1..16 bytes
    std::vector<std::string> locators;  // empty with no L flag: the sender's address is the one
    std::size_t extensions_skipped = 0;
};

using Message = std::variant<Scout, Hello>;

// A Scout as Zenoh's own scouting sends it: `01 09 03` for routers and peers, no id.
std::vector<std::uint8_t> encode(const Scout& scout);
// A Hello (used by tests and by `netdiag peer`-style responders).
std::vector<std::uint8_t> encode(const Hello& hello);

Decoded<Message> decode(std::span<const std::uint8_t> bytes);
Decoded<Hello> decode_hello(std::span<const std::uint8_t> bytes);
Decoded<Scout> decode_scout(std::span<const std::uint8_t> bytes);

// The id as lower-case hex in wire order: "a1b2c3…".
std::string zid_hex(std::span<const std::uint8_t> zid);

// LEB128-style unsigned integer (7 bits per byte, high bit = more), at most 10 bytes for 64
// bits. Exposed for tests.
void write_varint(std::vector<std::uint8_t>& out, std::uint64_t value);
// Reads at `offset`, advancing it; nullopt when truncated or longer than 10 bytes.
std::optional<std::uint64_t> read_varint(std::span<const std::uint8_t> bytes, std::size_t& offset);

}  // namespace netdiag::proto::zenoh
