#include "proto/spice/spice_constants.hpp"

#include <array>

namespace netdiag::proto::spice {
namespace {

constexpr std::array<std::string_view, 12> kChannelNames{
    "",       "MAIN",   "DISPLAY",   "INPUTS",   "CURSOR", "PLAYBACK",
    "RECORD", "TUNNEL", "SMARTCARD", "USBREDIR", "PORT",   "WEBDAV"};

constexpr std::array<std::string_view, 10> kLinkErrorNames{"OK",
                                                           "ERROR",
                                                           "INVALID_MAGIC",
                                                           "INVALID_DATA",
                                                           "VERSION_MISMATCH",
                                                           "NEED_SECURED",
                                                           "NEED_UNSECURED",
                                                           "PERMISSION_DENIED",
                                                           "BAD_CONNECTION_ID",
                                                           "CHANNEL_NOT_AVAILABLE"};

constexpr std::array<std::string_view, 4> kCommonCaps{"PROTOCOL_AUTH_SELECTION", "AUTH_SPICE",
                                                      "AUTH_SASL", "MINI_HEADER"};
constexpr std::array<std::string_view, 4> kMainCaps{"SEMI_SEAMLESS_MIGRATE", "NAME_AND_UUID",
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
    return type < kChannelNames.size() ? kChannelNames[type] : std::string_view{};
}

bool is_known_channel_type(std::uint8_t type) {
    return !channel_type_name(type).empty();
}

std::string link_error_name(std::uint32_t code) {
    if (code < kLinkErrorNames.size()) return std::string(kLinkErrorNames[code]);
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
    return cap_names(words, kCommonCaps);
}

std::vector<std::string> main_cap_names(std::span<const std::uint32_t> words) {
    return cap_names(words, kMainCaps);
}

std::string main_server_message_name(std::uint16_t type) {
    switch (type) {
        case server_msg::kMigrate:
            return "MIGRATE";
        case server_msg::kMigrateData:
            return "MIGRATE_DATA";
        case server_msg::kSetAck:
            return "SET_ACK";
        case server_msg::kPing:
            return "PING";
        case server_msg::kWaitForChannels:
            return "WAIT_FOR_CHANNELS";
        case server_msg::kDisconnecting:
            return "DISCONNECTING";
        case server_msg::kNotify:
            return "NOTIFY";
        case server_msg::kList:
            return "LIST";
        case server_msg::kMainInit:
            return "MAIN_INIT";
        case server_msg::kMainChannelsList:
            return "CHANNELS_LIST";
        case server_msg::kMainMouseMode:
            return "MOUSE_MODE";
        case server_msg::kMainMultiMediaTime:
            return "MULTI_MEDIA_TIME";
        case server_msg::kMainAgentConnected:
            return "AGENT_CONNECTED";
        case server_msg::kMainAgentDisconnected:
            return "AGENT_DISCONNECTED";
        case server_msg::kMainName:
            return "NAME";
        case server_msg::kMainUuid:
            return "UUID";
        default:
            return "MSG_" + std::to_string(type);
    }
}

}  // namespace netdiag::proto::spice
