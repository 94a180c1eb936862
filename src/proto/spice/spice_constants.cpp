#include "proto/spice/spice_constants.hpp"

#include <array>

namespace netdiag::proto::spice {
namespace {

constexpr std::array<std::string_view, 12> channel_names{
    "",       "MAIN",   "DISPLAY",   "INPUTS",   "CURSOR", "PLAYBACK",
    "RECORD", "TUNNEL", "SMARTCARD", "USBREDIR", "PORT",   "WEBDAV"};

constexpr std::array<std::string_view, 10> link_error_names{"OK",
                                                            "ERROR",
                                                            "INVALID_MAGIC",
                                                            "INVALID_DATA",
                                                            "VERSION_MISMATCH",
                                                            "NEED_SECURED",
                                                            "NEED_UNSECURED",
                                                            "PERMISSION_DENIED",
                                                            "BAD_CONNECTION_ID",
                                                            "CHANNEL_NOT_AVAILABLE"};

constexpr std::array<std::string_view, 4> common_caps{"PROTOCOL_AUTH_SELECTION", "AUTH_SPICE",
                                                      "AUTH_SASL", "MINI_HEADER"};
constexpr std::array<std::string_view, 4> main_caps{"SEMI_SEAMLESS_MIGRATE", "NAME_AND_UUID",
                                                    "AGENT_CONNECTED_TOKENS", "SEAMLESS_MIGRATE"};

std::vector<std::string> cap_names(std::span<const std::uint32_t> words,
                                   std::span<const std::string_view> names) {
    std::vector<std::string> out;
    for (unsigned bit = 0; bit < words.size() * 32; ++bit) {
        if (!has_cap(words, bit)) continue;
        out.push_back(bit < names.size() ? std::string(names[bit]) : "BIT_" + std::to_string(bit));
    }
    return out;
}

}  // namespace

std::string_view channel_type_name(std::uint8_t type) {
    return type < channel_names.size() ? channel_names[type] : std::string_view{};
}

bool is_known_channel_type(std::uint8_t type) {
    return !channel_type_name(type).empty();
}

std::string link_error_name(std::uint32_t code) {
    if (code < link_error_names.size()) return std::string(link_error_names[code]);
    return "UNKNOWN_" + std::to_string(code);
}

bool has_cap(std::span<const std::uint32_t> words, unsigned bit) {
    const auto word = bit / 32;
    return word < words.size() && ((words[word] >> (bit % 32)) & 1u) != 0;
}

void set_cap(std::vector<std::uint32_t>& words, unsigned bit) {
    if (words.size() <= bit / 32) words.resize(bit / 32 + 1, 0);
    words[bit / 32] |= 1u << (bit % 32);
}

std::vector<std::string> common_cap_names(std::span<const std::uint32_t> words) {
    return cap_names(words, common_caps);
}

std::vector<std::string> main_cap_names(std::span<const std::uint32_t> words) {
    return cap_names(words, main_caps);
}

std::string main_server_message_name(std::uint16_t type) {
    switch (type) {
        case server_msg::migrate:
            return "MIGRATE";
        case server_msg::migrate_data:
            return "MIGRATE_DATA";
        case server_msg::set_ack:
            return "SET_ACK";
        case server_msg::ping:
            return "PING";
        case server_msg::wait_for_channels:
            return "WAIT_FOR_CHANNELS";
        case server_msg::disconnecting:
            return "DISCONNECTING";
        case server_msg::notify:
            return "NOTIFY";
        case server_msg::list:
            return "LIST";
        case server_msg::main_init:
            return "MAIN_INIT";
        case server_msg::main_channels_list:
            return "CHANNELS_LIST";
        case server_msg::main_mouse_mode:
            return "MOUSE_MODE";
        case server_msg::main_multi_media_time:
            return "MULTI_MEDIA_TIME";
        case server_msg::main_agent_connected:
            return "AGENT_CONNECTED";
        case server_msg::main_agent_disconnected:
            return "AGENT_DISCONNECTED";
        case server_msg::main_name:
            return "NAME";
        case server_msg::main_uuid:
            return "UUID";
        default:
            return "MSG_" + std::to_string(type);
    }
}

}  // namespace netdiag::proto::spice
