// SPICE protocol numbers: sizes, channel types, link errors, capability bits and the message
// types netdiag uses. Values follow the SPICE protocol headers and were checked against
// QEMU 7.2 (spice-server 0.15); see docs/probes/spice.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace netdiag::proto::spice {

inline constexpr std::uint32_t kLinkMagic = 0x51444552;  // the bytes "REDQ"
inline constexpr std::uint32_t kProtocolMajor = 2;
inline constexpr std::uint32_t kProtocolMinor = 2;

inline constexpr std::size_t kLinkHeaderSize = 16;  // magic, major, minor, size
inline constexpr std::size_t kLinkMessSize = 18;    // SpiceLinkMess without caps
inline constexpr std::size_t kPublicKeySize = 162;  // RSA-1024 SubjectPublicKeyInfo, DER
inline constexpr std::size_t kLinkReplySize = 4 + kPublicKeySize + 12;  // 178
inline constexpr std::size_t kTicketSize = 128;                         // RSA-1024 ciphertext
inline constexpr std::size_t kMiniHeaderSize = 6;                       // type u16, size u32
inline constexpr std::size_t kDataHeaderSize = 18;  // serial u64, type u16, size u32, sub_list u32

// Largest link body netdiag accepts: real replies are 178 bytes plus a few capability words.
inline constexpr std::uint32_t kMaxLinkBody = 4096;
// Largest message body netdiag reads. QEMU's bandwidth PING is about 256 KiB.
inline constexpr std::uint32_t kMaxMessageBody = 4u << 20;
// Largest capability word count accepted in a link message or reply.
inline constexpr std::uint32_t kMaxCapsWords = 64;

enum class ChannelType : std::uint8_t {
    main = 1,
    display = 2,
    inputs = 3,
    cursor = 4,
    playback = 5,
    record = 6,
    tunnel = 7,
    smartcard = 8,
    usbredir = 9,
    port = 10,
    webdav = 11,
};

// "PLAYBACK" for 5; empty for a type the protocol does not define.
std::string_view channel_type_name(std::uint8_t type);
bool is_known_channel_type(std::uint8_t type);

enum class LinkError : std::uint32_t {
    ok = 0,
    error = 1,
    invalid_magic = 2,
    invalid_data = 3,
    version_mismatch = 4,
    need_secured = 5,
    need_unsecured = 6,
    permission_denied = 7,
    bad_connection_id = 8,
    channel_not_available = 9,
};

// "PERMISSION_DENIED" for 7; "UNKNOWN_42" for a code the protocol does not define.
std::string link_error_name(std::uint32_t code);

// Common capability bits (both sides announce them in the link messages).
enum class CommonCap : unsigned {
    protocol_auth_selection = 0,
    auth_spice = 1,
    auth_sasl = 2,
    mini_header = 3,
};

// Main-channel capability bits.
enum class MainCap : unsigned {
    semi_seamless_migrate = 0,
    name_and_uuid = 1,
    agent_connected_tokens = 2,
    seamless_migrate = 3,
};

bool has_cap(std::span<const std::uint32_t> words, unsigned bit);
void set_cap(std::vector<std::uint32_t>& words, unsigned bit);
// Names of the set bits, e.g. ["PROTOCOL_AUTH_SELECTION", "AUTH_SPICE", "MINI_HEADER"];
// bits without a name appear as "BIT_9".
std::vector<std::string> common_cap_names(std::span<const std::uint32_t> words);
std::vector<std::string> main_cap_names(std::span<const std::uint32_t> words);

// Message types the server sends (common ones below 100, main channel from 101).
namespace server_msg {
inline constexpr std::uint16_t kMigrate = 1;
inline constexpr std::uint16_t kMigrateData = 2;
inline constexpr std::uint16_t kSetAck = 3;
inline constexpr std::uint16_t kPing = 4;
inline constexpr std::uint16_t kWaitForChannels = 5;
inline constexpr std::uint16_t kDisconnecting = 6;
inline constexpr std::uint16_t kNotify = 7;
inline constexpr std::uint16_t kList = 8;
inline constexpr std::uint16_t kMainInit = 103;
inline constexpr std::uint16_t kMainChannelsList = 104;
inline constexpr std::uint16_t kMainMouseMode = 105;
inline constexpr std::uint16_t kMainMultiMediaTime = 106;
inline constexpr std::uint16_t kMainAgentConnected = 107;
inline constexpr std::uint16_t kMainAgentDisconnected = 108;
inline constexpr std::uint16_t kMainName = 113;
inline constexpr std::uint16_t kMainUuid = 114;
}  // namespace server_msg

// Message types the client sends.
namespace client_msg {
inline constexpr std::uint16_t kAckSync = 1;
inline constexpr std::uint16_t kAck = 2;
inline constexpr std::uint16_t kPong = 3;
inline constexpr std::uint16_t kDisconnecting = 6;
inline constexpr std::uint16_t kMainAttachChannels = 104;
}  // namespace client_msg

// "MAIN_INIT" for 103 on the main channel, "PING" for 4; "MSG_<n>" otherwise.
std::string main_server_message_name(std::uint16_t type);

}  // namespace netdiag::proto::spice
