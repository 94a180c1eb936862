// Zenoh Scout/Hello codec. Decoding walks a cursor over the input and checks each length
// against what remains, so no field can make it read or allocate past the datagram.
#include "proto/zenoh/zenoh_scouting.hpp"

#include <fmt/format.h>

namespace netdiag::proto::zenoh {
namespace {

constexpr std::uint8_t kFlagZ = 0x80;  // extensions follow the body
constexpr std::uint8_t kFlagL = 0x20;  // Hello carries a locator list
constexpr std::uint8_t kIdMask = 0x1f;
constexpr std::uint8_t kScoutFlagI = 0x08;  // Scout carries the sender's id
constexpr std::size_t kMaxVarintBytes = 10;

// Extension header: Z(bit 7) | encoding(bits 6..5) | M(bit 4) | id(bits 3..0).
constexpr std::uint8_t kExtMore = 0x80;
constexpr std::uint8_t kExtEncodingShift = 5;
enum ExtEncoding : std::uint8_t { ext_unit = 0, ext_z64 = 1, ext_zbuf = 2 };

struct Cursor {
    std::span<const std::uint8_t> bytes;
    std::size_t offset = 0;

    std::size_t remaining() const { return bytes.size() - offset; }
    DecodeError error(std::string reason) const { return {offset, std::move(reason)}; }
};

std::optional<DecodeError> need(const Cursor& c, std::size_t count, std::string_view what) {
    if (c.remaining() >= count) return std::nullopt;
    return c.error(fmt::format("{} needs {} bytes, {} remain", what, count, c.remaining()));
}

// Reads the id whose length is encoded as (1 + zid_len) in the high nibble of `flags`.
std::optional<DecodeError> read_zid(Cursor& c, std::uint8_t flags, std::vector<std::uint8_t>& zid) {
    const std::size_t length = 1 + (flags >> 4);
    if (auto e = need(c, length, "zenoh id")) return e;
    zid.assign(c.bytes.begin() + static_cast<std::ptrdiff_t>(c.offset),
               c.bytes.begin() + static_cast<std::ptrdiff_t>(c.offset + length));
    c.offset += length;
    return std::nullopt;
}

// Skips every extension after the body; counts them. Unknown ids are fine (their encoding
// says how long they are); the reserved encoding is not, since its length is unknowable.
std::optional<DecodeError> skip_extensions(Cursor& c, std::size_t& skipped) {
    for (;;) {
        if (auto e = need(c, 1, "extension header")) return e;
        const std::uint8_t header = c.bytes[c.offset++];
        ++skipped;
        const auto encoding = static_cast<std::uint8_t>((header >> kExtEncodingShift) & 0x03);
        if (encoding == ext_z64) {
            if (!read_varint(c.bytes, c.offset)) return c.error("extension integer truncated");
        } else if (encoding == ext_zbuf) {
            const auto length = read_varint(c.bytes, c.offset);
            if (!length) return c.error("extension length truncated");
            if (*length > c.remaining()) {
                return c.error(fmt::format("extension length {} exceeds {} remaining bytes",
                                           *length, c.remaining()));
            }
            c.offset += static_cast<std::size_t>(*length);
        } else if (encoding != ext_unit) {
            return c.error(fmt::format("extension 0x{:02x} uses the reserved encoding", header));
        }
        if ((header & kExtMore) == 0) return std::nullopt;
    }
}

std::optional<DecodeError> read_locators(Cursor& c, std::vector<std::string>& locators) {
    const auto count = read_varint(c.bytes, c.offset);
    if (!count) return c.error("locator count truncated");
    // Each locator takes at least its one length byte: a larger count cannot be honest.
    if (*count > c.remaining()) {
        return c.error(
            fmt::format("locator count {} exceeds {} remaining bytes", *count, c.remaining()));
    }
    for (std::uint64_t i = 0; i < *count; ++i) {
        const auto length = read_varint(c.bytes, c.offset);
        if (!length) return c.error(fmt::format("locator {} length truncated", i));
        if (*length > c.remaining()) {
            return c.error(fmt::format("locator {} length {} exceeds {} remaining bytes", i,
                                       *length, c.remaining()));
        }
        const auto* start = reinterpret_cast<const char*>(c.bytes.data() + c.offset);
        locators.emplace_back(start, static_cast<std::size_t>(*length));
        c.offset += static_cast<std::size_t>(*length);
    }
    return std::nullopt;
}

std::uint8_t zid_length_nibble(const std::vector<std::uint8_t>& zid) {
    return static_cast<std::uint8_t>(((zid.size() - 1) & 0x0f) << 4);
}

}  // namespace

std::string_view to_string(WhatAmI role) {
    switch (role) {
        case WhatAmI::router:
            return "router";
        case WhatAmI::peer:
            return "peer";
        case WhatAmI::client:
            return "client";
    }
    return "unknown";
}

void write_varint(std::vector<std::uint8_t>& out, std::uint64_t value) {
    while (value >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(value | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(value));
}

std::optional<std::uint64_t> read_varint(std::span<const std::uint8_t> bytes, std::size_t& offset) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < kMaxVarintBytes; ++i) {
        if (offset >= bytes.size()) return std::nullopt;
        const std::uint8_t byte = bytes[offset++];
        value |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * i);
        if ((byte & 0x80) == 0) return value;
    }
    return std::nullopt;
}

std::vector<std::uint8_t> encode(const Scout& scout) {
    std::vector<std::uint8_t> out{kScoutId, scout.version};
    std::uint8_t flags = scout.what & 0x07;
    const bool with_id = !scout.zid.empty() && scout.zid.size() <= kMaxZidBytes;
    if (with_id) flags |= static_cast<std::uint8_t>(kScoutFlagI | zid_length_nibble(scout.zid));
    out.push_back(flags);
    if (with_id) out.insert(out.end(), scout.zid.begin(), scout.zid.end());
    return out;
}

std::vector<std::uint8_t> encode(const Hello& hello) {
    std::vector<std::uint8_t> zid = hello.zid;
    if (zid.empty()) zid.push_back(0);
    if (zid.size() > kMaxZidBytes) zid.resize(kMaxZidBytes);
    std::vector<std::uint8_t> out;
    out.push_back(static_cast<std::uint8_t>(kHelloId | (hello.locators.empty() ? 0 : kFlagL)));
    out.push_back(hello.version);
    const auto role = static_cast<std::uint8_t>(hello.whatami == WhatAmI::router ? 0b00
                                                : hello.whatami == WhatAmI::peer ? 0b01
                                                                                 : 0b10);
    out.push_back(static_cast<std::uint8_t>(zid_length_nibble(zid) | role));
    out.insert(out.end(), zid.begin(), zid.end());
    if (!hello.locators.empty()) {
        write_varint(out, hello.locators.size());
        for (const auto& locator : hello.locators) {
            write_varint(out, locator.size());
            out.insert(out.end(), locator.begin(), locator.end());
        }
    }
    return out;
}

Decoded<Scout> decode_scout(std::span<const std::uint8_t> bytes) {
    Cursor c{bytes};
    if (auto e = need(c, 3, "scout header, version and flags")) return *e;
    const std::uint8_t header = c.bytes[c.offset++];
    if ((header & kIdMask) != kScoutId) {
        return DecodeError{0, fmt::format("message id 0x{:02x} is not SCOUT", header & kIdMask)};
    }
    Scout scout;
    scout.version = c.bytes[c.offset++];
    const std::uint8_t flags = c.bytes[c.offset++];
    scout.what = flags & 0x07;
    if (flags & kScoutFlagI) {
        if (auto e = read_zid(c, flags, scout.zid)) return *e;
    }
    std::size_t skipped = 0;
    if (header & kFlagZ) {
        if (auto e = skip_extensions(c, skipped)) return *e;
    }
    return scout;
}

Decoded<Hello> decode_hello(std::span<const std::uint8_t> bytes) {
    Cursor c{bytes};
    if (auto e = need(c, 3, "hello header, version and flags")) return *e;
    const std::uint8_t header = c.bytes[c.offset++];
    if ((header & kIdMask) != kHelloId) {
        return DecodeError{0, fmt::format("message id 0x{:02x} is not HELLO", header & kIdMask)};
    }
    Hello hello;
    hello.version = c.bytes[c.offset++];
    const std::uint8_t flags = c.bytes[c.offset++];
    switch (flags & 0x03) {
        case 0b00:
            hello.whatami = WhatAmI::router;
            break;
        case 0b01:
            hello.whatami = WhatAmI::peer;
            break;
        case 0b10:
            hello.whatami = WhatAmI::client;
            break;
        default:
            return DecodeError{2, "whatami 0b11 is not a Zenoh role"};
    }
    if (auto e = read_zid(c, flags, hello.zid)) return *e;
    if (header & kFlagL) {
        if (auto e = read_locators(c, hello.locators)) return *e;
    }
    if (header & kFlagZ) {
        if (auto e = skip_extensions(c, hello.extensions_skipped)) return *e;
    }
    return hello;
}

Decoded<Message> decode(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return DecodeError{0, "empty datagram"};
    switch (bytes[0] & kIdMask) {
        case kScoutId: {
            auto r = decode_scout(bytes);
            if (!r) return r.error();
            return Message{std::move(r.value())};
        }
        case kHelloId: {
            auto r = decode_hello(bytes);
            if (!r) return r.error();
            return Message{std::move(r.value())};
        }
        default:
            return DecodeError{0, fmt::format("message id 0x{:02x} is not a scouting message",
                                              bytes[0] & kIdMask)};
    }
}

std::string zid_hex(std::span<const std::uint8_t> zid) {
    std::string out;
    out.reserve(zid.size() * 2);
    for (auto b : zid) out += fmt::format("{:02x}", b);
    return out;
}

}  // namespace netdiag::proto::zenoh
