// What one visit to a SPICE server saw: how far the handshake got, what the server said, and
// every channel list with its arrival time. Plain data; spice_analysis turns it into findings.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netdiag/error.hpp"
#include "proto/spice/spice_messages.hpp"

namespace netdiag::probes::spice {

// The handshake steps, in order. A failure names the step it happened in.
enum class Stage {
    connect,
    link_reply,     // sent the link message, waiting for the reply
    link_result,    // sent the ticket, waiting for the link result
    main_init,      // linked, waiting for MAIN_INIT
    channels_list,  // sent ATTACH_CHANNELS, waiting for CHANNELS_LIST
    watching,       // have a list, watching for more announcements
};
std::string_view stage_name(Stage stage);         // "link_reply"
std::string_view stage_description(Stage stage);  // "waiting for the link reply"

enum class Failure {
    none,
    connect_failed,    // resolve or connect refused/unreachable
    timed_out,         // the server said nothing more before the deadline
    closed,            // the server closed (or reset) the connection
    io_error,          // another socket error while sending or receiving
    not_spice,         // the reply does not start with "REDQ"
    malformed,         // a length, count or body the protocol does not allow
    version_mismatch,  // the server speaks another major version, or refused ours
    link_refused,      // link reply or link result carried an error code
    auth_failed,       // PERMISSION_DENIED after the ticket, or no usable auth mechanism
    crypto_failed,     // the server's public key could not encrypt the ticket
    interrupted,       // netdiag was interrupted (SIGINT/SIGTERM): no verdict on the server
};
std::string_view failure_name(Failure failure);

struct ChannelList {
    int index = 0;                    // 0 for the answer to ATTACH_CHANNELS, then 1, 2, …
    std::chrono::milliseconds at{0};  // since the connection opened
    std::vector<proto::spice::ChannelId> channels;
};

struct SpiceObservation {
    std::string target;    // as the user wrote it
    std::string endpoint;  // the address connected to
    Stage stage = Stage::connect;
    Failure failure = Failure::none;
    std::string failure_detail;                 // one precise line
    SysError sys_error;                         // socket error behind the failure, if any
    std::size_t bytes_expected = 0;             // for a message cut short: its declared size
    std::size_t bytes_received = 0;             // and how much of it came
    std::optional<std::uint16_t> message_type;  // the message being read when it failed
    // Timed out while bytes were still coming (the last under 2 s before the deadline): the
    // peer is too slow, not silent. How long before the deadline the last byte came.
    std::optional<std::chrono::milliseconds> trickling_last_byte;

    // Link
    std::optional<std::uint32_t> server_major;
    std::optional<std::uint32_t> server_minor;
    std::optional<std::uint32_t> link_error;   // from the link reply
    std::optional<std::uint32_t> link_result;  // after the ticket
    std::vector<std::uint32_t> server_common_caps;
    std::vector<std::uint32_t> server_channel_caps;
    bool mini_header = false;
    bool password_given = false;

    // Main channel
    std::optional<proto::spice::MainInit> main_init;
    std::vector<ChannelList> lists;
    std::vector<proto::spice::Notify> notifications;
    std::optional<proto::spice::Disconnecting> disconnecting;
    unsigned messages = 0;
    unsigned pings_answered = 0;

    // Timing, since the connection attempt started
    std::chrono::milliseconds connected_at{0};
    std::chrono::milliseconds linked_at{0};
    std::chrono::milliseconds first_list_at{0};
    std::chrono::milliseconds watched{0};      // how long the watch actually lasted
    std::chrono::milliseconds watch_asked{0};  // what --spice-watch asked for
    bool watch_cut_by_deadline = false;
};

}  // namespace netdiag::probes::spice
