// SPICE messages after the link: the data header (full and mini) and the bodies netdiag reads
// or writes on the main channel. Encoders exist for every decoder so test servers speak the
// same wire format the client reads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "proto/decoded.hpp"
#include "proto/spice/spice_constants.hpp"

namespace netdiag::proto::spice {

// Mini header when both sides announced MINI_HEADER, else the full data header.
enum class HeaderKind { mini, full };

std::size_t header_size(HeaderKind kind);

struct MessageHeader {
    std::uint16_t type = 0;
    std::uint32_t size = 0;      // body bytes that follow; untrusted
    std::uint64_t serial = 0;    // full header only
    std::uint32_t sub_list = 0;  // full header only
};

proto::Decoded<MessageHeader> decode_message_header(HeaderKind kind,
                                                    std::span<const std::uint8_t> bytes);
// Header plus body. `serial` is ignored for the mini header.
std::vector<std::uint8_t> encode_message(HeaderKind kind, std::uint16_t type,
                                         std::span<const std::uint8_t> body,
                                         std::uint64_t serial = 0);

struct MainInit {
    std::uint32_t session_id = 0;
    std::uint32_t display_channels_hint = 0;
    std::uint32_t supported_mouse_modes = 0;
    std::uint32_t current_mouse_mode = 0;
    std::uint32_t agent_connected = 0;
    std::uint32_t agent_tokens = 0;
    std::uint32_t multi_media_time = 0;
    std::uint32_t ram_hint = 0;
};
inline constexpr std::size_t kMainInitSize = 32;
proto::Decoded<MainInit> decode_main_init(std::span<const std::uint8_t> body);
std::vector<std::uint8_t> encode_main_init(const MainInit& init);

struct ChannelId {
    std::uint8_t type = 0;
    std::uint8_t id = 0;
    friend bool operator==(const ChannelId&, const ChannelId&) = default;
};
// CHANNELS_LIST: num u32, then {type u8, id u8} per channel. num is bounded by the body size.
proto::Decoded<std::vector<ChannelId>> decode_channels_list(std::span<const std::uint8_t> body);
std::vector<std::uint8_t> encode_channels_list(std::span<const ChannelId> channels);

struct Notify {
    std::uint64_t time_stamp = 0;
    std::uint32_t severity = 0;    // 0 info, 1 warn, 2 error
    std::uint32_t visibility = 0;  // 0 low, 1 medium, 2 high
    std::uint32_t what = 0;
    std::string message;
};
proto::Decoded<Notify> decode_notify(std::span<const std::uint8_t> body);
std::vector<std::uint8_t> encode_notify(const Notify& notify);

struct Disconnecting {
    std::uint64_t time_stamp = 0;
    std::uint32_t reason = 0;  // LinkError
};
proto::Decoded<Disconnecting> decode_disconnecting(std::span<const std::uint8_t> body);
std::vector<std::uint8_t> encode_disconnecting(const Disconnecting& message);

struct SetAck {
    std::uint32_t generation = 0;
    std::uint32_t window = 0;
};
proto::Decoded<SetAck> decode_set_ack(std::span<const std::uint8_t> body);
std::vector<std::uint8_t> encode_set_ack(const SetAck& ack);
std::vector<std::uint8_t> encode_ack_sync(std::uint32_t generation);

struct Ping {
    std::uint32_t id = 0;
    std::uint64_t timestamp = 0;
};
// PING may carry padding after id and timestamp (QEMU's bandwidth probe); it is ignored.
proto::Decoded<Ping> decode_ping(std::span<const std::uint8_t> body);
std::vector<std::uint8_t> encode_ping(const Ping& ping, std::size_t padding = 0);
// PONG echoes the id and timestamp.
std::vector<std::uint8_t> encode_pong(const Ping& ping);

}  // namespace netdiag::proto::spice
