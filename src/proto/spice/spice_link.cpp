#include "proto/spice/spice_link.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "proto/spice/byte_io.hpp"

namespace netdiag::proto::spice {
namespace {

void write_caps(ByteWriter& w, const std::vector<std::uint32_t>& caps) {
    for (auto word : caps) w.u32(word);
}

// Reads the two caps arrays that both the link message and the reply carry at caps_offset.
// The counts come from the peer, so each is bounded before anything is allocated.
std::optional<proto::DecodeError> read_caps(std::span<const std::uint8_t> body,
                                            std::uint32_t common, std::uint32_t channel,
                                            std::uint32_t caps_offset, std::size_t fixed_size,
                                            const char* what,
                                            std::vector<std::uint32_t>& common_out,
                                            std::vector<std::uint32_t>& channel_out) {
    if (common > kMaxCapsWords || channel > kMaxCapsWords) {
        return proto::decode_error(std::string(what) + ": " + std::to_string(common) +
                                       " common and " + std::to_string(channel) +
                                       " channel caps words, over the limit of " +
                                       std::to_string(kMaxCapsWords),
                                   fixed_size - 12);
    }
    const std::uint64_t need = std::uint64_t{caps_offset} + 4ull * (common + channel);
    if (caps_offset < fixed_size || need > body.size()) {
        return proto::decode_error(
            std::string(what) + ": caps at offset " + std::to_string(caps_offset) + " need " +
                std::to_string(need) + " bytes, body has " + std::to_string(body.size()),
            fixed_size - 4);
    }
    ByteReader r(body.subspan(caps_offset));
    for (std::uint32_t i = 0; i < common; ++i) common_out.push_back(r.u32());
    for (std::uint32_t i = 0; i < channel; ++i) channel_out.push_back(r.u32());
    return std::nullopt;
}

}  // namespace

std::array<std::uint8_t, kLinkHeaderSize> encode_link_header(const LinkHeader& header) {
    ByteWriter w;
    w.u32(header.magic);
    w.u32(header.major);
    w.u32(header.minor);
    w.u32(header.size);
    std::array<std::uint8_t, kLinkHeaderSize> out{};
    std::copy(w.buffer().begin(), w.buffer().end(), out.begin());
    return out;
}

proto::Decoded<LinkHeader> decode_link_header(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < kLinkHeaderSize) {
        return proto::decode_error("link header: " + std::to_string(bytes.size()) + " of 16 bytes",
                                   bytes.size());
    }
    ByteReader r(bytes);
    LinkHeader h;
    h.magic = r.u32();
    h.major = r.u32();
    h.minor = r.u32();
    h.size = r.u32();
    return h;
}

std::vector<std::uint8_t> encode_link_message(const LinkMessage& m, std::uint32_t major,
                                              std::uint32_t minor) {
    const auto body_size = kLinkMessSize + 4 * (m.common_caps.size() + m.channel_caps.size());
    ByteWriter w;
    w.bytes(encode_link_header({kLinkMagic, major, minor, static_cast<std::uint32_t>(body_size)}));
    w.u32(m.connection_id);
    w.u8(m.channel_type);
    w.u8(m.channel_id);
    w.u32(static_cast<std::uint32_t>(m.common_caps.size()));
    w.u32(static_cast<std::uint32_t>(m.channel_caps.size()));
    w.u32(static_cast<std::uint32_t>(kLinkMessSize));
    write_caps(w, m.common_caps);
    write_caps(w, m.channel_caps);
    return w.take();
}

proto::Decoded<LinkMessage> decode_link_message(std::span<const std::uint8_t> body) {
    if (body.size() < kLinkMessSize) {
        return proto::decode_error("link message: " + std::to_string(body.size()) + " of 18 bytes",
                                   body.size());
    }
    ByteReader r(body);
    LinkMessage m;
    m.connection_id = r.u32();
    m.channel_type = r.u8();
    m.channel_id = r.u8();
    const auto common = r.u32();
    const auto channel = r.u32();
    const auto offset = r.u32();
    if (auto err = read_caps(body, common, channel, offset, kLinkMessSize, "link message",
                             m.common_caps, m.channel_caps)) {
        return *err;
    }
    return m;
}

std::vector<std::uint8_t> encode_link_reply(const LinkReply& reply) {
    const auto body_size =
        kLinkReplySize + 4 * (reply.common_caps.size() + reply.channel_caps.size());
    ByteWriter w;
    w.bytes(encode_link_header(
        {kLinkMagic, kProtocolMajor, kProtocolMinor, static_cast<std::uint32_t>(body_size)}));
    w.u32(reply.error);
    w.bytes(reply.public_key);
    w.u32(static_cast<std::uint32_t>(reply.common_caps.size()));
    w.u32(static_cast<std::uint32_t>(reply.channel_caps.size()));
    w.u32(static_cast<std::uint32_t>(kLinkReplySize));
    write_caps(w, reply.common_caps);
    write_caps(w, reply.channel_caps);
    return w.take();
}

proto::Decoded<LinkReply> decode_link_reply(std::span<const std::uint8_t> body) {
    // A refusal may come as a short reply holding only the error word: keep that readable.
    if (body.size() < 4) {
        return proto::decode_error(
            "link reply: " + std::to_string(body.size()) + " bytes, no error code", body.size());
    }
    ByteReader r(body);
    LinkReply reply;
    reply.error = r.u32();
    if (body.size() < kLinkReplySize) {
        if (reply.error != 0) return reply;
        return proto::decode_error("link reply: " + std::to_string(body.size()) + " of 178 bytes",
                                   body.size());
    }
    const auto key = r.bytes(kPublicKeySize);
    std::copy(key.begin(), key.end(), reply.public_key.begin());
    const auto common = r.u32();
    const auto channel = r.u32();
    const auto offset = r.u32();
    if (auto err = read_caps(body, common, channel, offset, kLinkReplySize, "link reply",
                             reply.common_caps, reply.channel_caps)) {
        return *err;
    }
    return reply;
}

std::array<std::uint8_t, 4> encode_u32(std::uint32_t value) {
    return {static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8),
            static_cast<std::uint8_t>(value >> 16), static_cast<std::uint8_t>(value >> 24)};
}

proto::Decoded<std::uint32_t> decode_u32(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < 4) {
        return proto::decode_error(std::to_string(bytes.size()) + " of 4 bytes", bytes.size());
    }
    return ByteReader(bytes).u32();
}

}  // namespace netdiag::proto::spice
