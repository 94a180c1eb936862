// The SPICE link handshake: link header, the client's link message, the server's link reply,
// the auth mechanism word and the link result. Pure: bytes in, values or a DecodeError out.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "proto/decoded.hpp"
#include "proto/spice/spice_constants.hpp"

namespace netdiag::proto::spice {

struct LinkHeader {
    std::uint32_t magic = kLinkMagic;
    std::uint32_t major = kProtocolMajor;
    std::uint32_t minor = kProtocolMinor;
    std::uint32_t size = 0;  // bytes of the link message or reply that follow
};

struct LinkMessage {
    std::uint32_t connection_id = 0;  // 0 for a new session; MAIN_INIT's session_id otherwise
    std::uint8_t channel_type = static_cast<std::uint8_t>(ChannelType::main);
    std::uint8_t channel_id = 0;
    std::vector<std::uint32_t> common_caps;
    std::vector<std::uint32_t> channel_caps;
};

struct LinkReply {
    std::uint32_t error = 0;  // LinkError
    std::array<std::uint8_t, kPublicKeySize> public_key{};
    std::vector<std::uint32_t> common_caps;
    std::vector<std::uint32_t> channel_caps;
};

std::array<std::uint8_t, kLinkHeaderSize> encode_link_header(const LinkHeader& header);
// Reads the 16-byte header as it is; the caller judges magic, version and size.
proto::Decoded<LinkHeader> decode_link_header(std::span<const std::uint8_t> bytes);

// Header plus SpiceLinkMess plus caps: what a client writes first.
std::vector<std::uint8_t> encode_link_message(const LinkMessage& message,
                                              std::uint32_t major = kProtocolMajor,
                                              std::uint32_t minor = kProtocolMinor);
// Decodes the body that follows the header (used by test servers).
proto::Decoded<LinkMessage> decode_link_message(std::span<const std::uint8_t> body);

// Header plus SpiceLinkReply plus caps: what a server answers.
std::vector<std::uint8_t> encode_link_reply(const LinkReply& reply);
proto::Decoded<LinkReply> decode_link_reply(std::span<const std::uint8_t> body);

// The u32 words exchanged after the reply: the auth mechanism and the link result.
std::array<std::uint8_t, 4> encode_u32(std::uint32_t value);
proto::Decoded<std::uint32_t> decode_u32(std::span<const std::uint8_t> bytes);

inline constexpr std::uint32_t kAuthMechanismSpice = 1;
inline constexpr std::uint32_t kAuthMechanismSasl = 2;

}  // namespace netdiag::proto::spice
