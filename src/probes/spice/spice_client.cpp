#include "probes/spice/spice_client.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "netdiag/rsa_oaep.hpp"
#include "proto/spice/spice_link.hpp"

namespace netdiag::probes::spice {
namespace {

using namespace std::chrono_literals;
namespace sp = netdiag::proto::spice;

// A read that times out with its last byte this close to the deadline is a trickle, not
// silence: a peer sending one byte a second is always within it.
constexpr std::chrono::milliseconds kTrickleWindow{2000};

std::string printable_prefix(std::span<const std::uint8_t> bytes) {
    std::string out;
    for (auto b : bytes) out += (b >= 0x20 && b < 0x7f) ? static_cast<char>(b) : '.';
    return out;
}

class MainChannelClient {
public:
    explicit MainChannelClient(const ClientSettings& s) : s_(s) {
        sock_.set_interrupt(s_.interrupted);
        obs_.target = s.target;
        obs_.password_given = s.password_given;
        obs_.watch_asked = s.watch;
    }

    SpiceObservation run() {
        start_ = Clock::now();
        if (connect() && link() && wait_for(sp::server_msg::kMainInit) && attach_channels()) {
            watch();
        }
        sock_.close();
        return std::move(obs_);
    }

private:
    std::chrono::milliseconds since_start() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_);
    }
    Clock::time_point step_deadline() const {
        return std::min(s_.deadline, Clock::now() + s_.step_timeout);
    }

    bool fail(Failure failure, std::string detail) {
        obs_.failure = failure;
        obs_.failure_detail = std::move(detail);
        return false;
    }

    // Turns a socket outcome into the observation's failure, naming the step and the item.
    bool io_failed(const IoOutcome& io, const std::string& item, std::size_t expected) {
        obs_.sys_error = io.error;
        obs_.bytes_expected = expected;
        obs_.bytes_received = io.bytes;
        const auto where = fmt::format("{}: {}", stage_description(obs_.stage), item);
        switch (io.kind) {
            case IoOutcome::Kind::interrupted:
                return fail(Failure::interrupted,
                            fmt::format("{}: netdiag was interrupted after {} of {} bytes", where,
                                        io.bytes, expected));
            case IoOutcome::Kind::timed_out: {
                const auto quiet = io.last_progress
                                       ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                             Clock::now() - *io.last_progress)
                                       : std::chrono::milliseconds::max();
                if (quiet < kTrickleWindow) {
                    obs_.trickling_last_byte = quiet;
                    return fail(Failure::timed_out,
                                fmt::format("{}: {} of {} bytes, still arriving at the deadline "
                                            "(the last {} ms before it): too slow, not silent",
                                            where, io.bytes, expected, quiet.count()));
                }
                return fail(Failure::timed_out,
                            fmt::format("{}: {} of {} bytes, then silence until the deadline",
                                        where, io.bytes, expected));
            }
            case IoOutcome::Kind::closed:
                return fail(
                    Failure::closed,
                    fmt::format("{}: connection closed after {} of {} bytes{}", where, io.bytes,
                                expected, io.error ? " (" + io.error.describe() + ")" : ""));
            default:
                return fail(Failure::io_error, fmt::format("{}: {}", where, io.detail));
        }
    }

    bool read(std::span<std::uint8_t> out, Clock::time_point deadline, const std::string& item) {
        const auto io = sock_.read_exact(out, deadline);
        return io.ok() || io_failed(io, item, out.size());
    }

    bool write(std::span<const std::uint8_t> data, const std::string& item) {
        const auto io = sock_.write_all(data, step_deadline());
        return io.ok() || io_failed(io, "sending " + item, data.size());
    }

    bool connect() {
        obs_.stage = Stage::connect;
        const auto io = sock_.connect(s_.host, s_.port, step_deadline());
        if (!io.ok()) {
            obs_.sys_error = io.error;
            const auto failure = io.kind == IoOutcome::Kind::interrupted ? Failure::interrupted
                                 : io.kind == IoOutcome::Kind::timed_out ? Failure::timed_out
                                                                         : Failure::connect_failed;
            return fail(failure, io.detail);
        }
        obs_.endpoint = sock_.remote_endpoint();
        obs_.connected_at = since_start();
        return true;
    }

    bool link() {
        sp::LinkMessage mess;
        for (auto cap : {sp::CommonCap::protocol_auth_selection, sp::CommonCap::auth_spice,
                         sp::CommonCap::mini_header}) {
            sp::set_cap(mess.common_caps, static_cast<unsigned>(cap));
        }
        obs_.stage = Stage::link_reply;
        if (!write(sp::encode_link_message(mess), "the link message")) return false;

        std::array<std::uint8_t, sp::kLinkHeaderSize> head{};
        if (!read(head, step_deadline(), "link reply header")) return false;
        const auto header = sp::decode_link_header(head).value();
        if (header.magic != sp::kLinkMagic) {
            return fail(Failure::not_spice,
                        fmt::format("the reply starts with \"{}\", not \"REDQ\": not a SPICE "
                                    "server, or a TLS-only port",
                                    printable_prefix(head)));
        }
        obs_.server_major = header.major;
        obs_.server_minor = header.minor;
        if (header.size > sp::kMaxLinkBody) {
            return fail(Failure::malformed,
                        fmt::format("link reply declares {} bytes; a link reply is at most {}",
                                    header.size, sp::kMaxLinkBody));
        }
        std::vector<std::uint8_t> body(header.size);
        if (!read(body, step_deadline(), "link reply body")) return false;
        auto reply = sp::decode_link_reply(body);
        if (!reply) return fail(Failure::malformed, reply.error().message);
        obs_.link_error = reply.value().error;
        if (reply.value().error != 0) {
            const auto code = reply.value().error;
            const auto failure = code == static_cast<std::uint32_t>(sp::LinkError::version_mismatch)
                                     ? Failure::version_mismatch
                                     : Failure::link_refused;
            return fail(failure,
                        fmt::format("link reply error {} ({})", sp::link_error_name(code), code));
        }
        if (header.major != sp::kProtocolMajor) {
            return fail(Failure::version_mismatch,
                        fmt::format("server speaks SPICE {}.{}, netdiag speaks {}.{}", header.major,
                                    header.minor, sp::kProtocolMajor, sp::kProtocolMinor));
        }
        obs_.server_common_caps = reply.value().common_caps;
        obs_.server_channel_caps = reply.value().channel_caps;
        const auto& caps = obs_.server_common_caps;
        obs_.mini_header = sp::has_cap(caps, static_cast<unsigned>(sp::CommonCap::mini_header));
        kind_ = obs_.mini_header ? sp::HeaderKind::mini : sp::HeaderKind::full;

        if (sp::has_cap(caps, static_cast<unsigned>(sp::CommonCap::protocol_auth_selection))) {
            if (!sp::has_cap(caps, static_cast<unsigned>(sp::CommonCap::auth_spice))) {
                return fail(Failure::auth_failed,
                            "the server offers only SASL authentication; netdiag sends SPICE "
                            "tickets");
            }
            if (!write(sp::encode_u32(sp::kAuthMechanismSpice), "the auth mechanism")) {
                return false;
            }
        }
        return send_ticket(reply.value());
    }

    bool send_ticket(const sp::LinkReply& reply) {
        // The ticket is the password and its terminating NUL, even when there is no password:
        // spice-server refuses a ticket it cannot decrypt.
        std::vector<std::uint8_t> plain(s_.password.begin(), s_.password.end());
        plain.push_back(0);
        const auto encrypted = platform::rsa_oaep_sha1_encrypt(reply.public_key, plain);
        if (!encrypted.ok()) {
            return fail(
                Failure::crypto_failed,
                "cannot encrypt the ticket with the server's public key: " + encrypted.error);
        }
        obs_.stage = Stage::link_result;
        if (!write(encrypted.ciphertext, "the ticket")) return false;
        std::array<std::uint8_t, 4> word{};
        if (!read(word, step_deadline(), "link result")) return false;
        const auto result = sp::decode_u32(word).value();
        obs_.link_result = result;
        if (result == static_cast<std::uint32_t>(sp::LinkError::permission_denied)) {
            return fail(Failure::auth_failed,
                        fmt::format("link result PERMISSION_DENIED ({}) after the {} ticket",
                                    result, s_.password_given ? "password" : "empty"));
        }
        if (result != 0) {
            return fail(Failure::link_refused,
                        fmt::format("link result {} ({})", sp::link_error_name(result), result));
        }
        obs_.linked_at = since_start();
        obs_.stage = Stage::main_init;
        return true;
    }

    bool send(std::uint16_t type, std::span<const std::uint8_t> body) {
        const auto message = sp::encode_message(kind_, type, body, ++serial_);
        return write(message, fmt::format("message {}", type));
    }

    enum class Read { message, timeout, failed };

    // Reads one message; a timeout is reported, not failed, so the watch can end quietly.
    Read read_message(Clock::time_point deadline, sp::MessageHeader& header,
                      std::vector<std::uint8_t>& body) {
        std::array<std::uint8_t, sp::kDataHeaderSize> head{};
        const auto head_span = std::span(head).first(sp::header_size(kind_));
        const auto io = sock_.read_exact(head_span, deadline);
        if (io.kind == IoOutcome::Kind::timed_out && io.bytes == 0) return Read::timeout;
        if (!io.ok()) {
            io_failed(io, "message header", head_span.size());
            return Read::failed;
        }
        header = sp::decode_message_header(kind_, head_span).value();
        obs_.message_type = header.type;
        const auto name = sp::main_server_message_name(header.type);
        if (header.size > sp::kMaxMessageBody) {
            obs_.bytes_expected = header.size;
            fail(Failure::malformed,
                 fmt::format("{} (type {}) declares a {}-byte body; netdiag reads at most {}", name,
                             header.type, header.size, sp::kMaxMessageBody));
            return Read::failed;
        }
        body.assign(header.size, 0);
        // A message that has begun must finish within the step timeout, watch or not.
        if (!read(body, std::min(s_.deadline, Clock::now() + s_.step_timeout),
                  fmt::format("{} (type {}) body", name, header.type))) {
            return Read::failed;
        }
        ++obs_.messages;
        return Read::message;
    }

    // Answers what the server expects of any client (ACKs, PONGs) and records what it says.
    bool handle(const sp::MessageHeader& header, std::span<const std::uint8_t> body) {
        using namespace sp::server_msg;
        auto bad = [&](const proto::DecodeError& e) { return fail(Failure::malformed, e.message); };
        switch (header.type) {
            case kSetAck: {
                auto ack = sp::decode_set_ack(body);
                if (!ack) return bad(ack.error());
                ack_window_ = ack.value().window;
                ack_count_ = 0;
                return send(sp::client_msg::kAckSync, sp::encode_ack_sync(ack.value().generation));
            }
            case kPing: {
                auto p = sp::decode_ping(body);
                if (!p) return bad(p.error());
                ++obs_.pings_answered;
                if (!send(sp::client_msg::kPong, sp::encode_pong(p.value()))) return false;
                break;
            }
            case kNotify: {
                auto n = sp::decode_notify(body);
                if (!n) return bad(n.error());
                obs_.notifications.push_back(n.value());
                break;
            }
            case kDisconnecting: {
                auto d = sp::decode_disconnecting(body);
                if (!d) return bad(d.error());
                obs_.disconnecting = d.value();
                break;
            }
            case kMainInit: {
                auto init = sp::decode_main_init(body);
                if (!init) return bad(init.error());
                obs_.main_init = init.value();
                break;
            }
            case kMainChannelsList: {
                auto list = sp::decode_channels_list(body);
                if (!list) return bad(list.error());
                obs_.lists.push_back(
                    {static_cast<int>(obs_.lists.size()), since_start(), std::move(list.value())});
                break;
            }
            default:
                break;  // other messages carry nothing the probe needs
        }
        if (ack_window_ != 0 && ++ack_count_ >= ack_window_) {
            ack_count_ = 0;
            return send(sp::client_msg::kAck, {});
        }
        return true;
    }

    // Reads messages until one of `type` has been handled, within the step timeout.
    bool wait_for(std::uint16_t type) {
        sp::MessageHeader header;
        std::vector<std::uint8_t> body;
        const auto deadline = step_deadline();
        while (true) {
            if (s_.interrupted && s_.interrupted()) {
                return fail(Failure::interrupted, fmt::format("{}: netdiag was interrupted",
                                                              stage_description(obs_.stage)));
            }
            if (Clock::now() >= s_.deadline) {
                return fail(Failure::timed_out, fmt::format("{}: the probe's deadline passed",
                                                            stage_description(obs_.stage)));
            }
            const auto r = read_message(deadline, header, body);
            if (r == Read::failed) return false;
            if (r == Read::timeout) {
                return fail(
                    Failure::timed_out,
                    fmt::format(
                        "{}: no {} within {} ms ({} other messages came)",
                        stage_description(obs_.stage), sp::main_server_message_name(type),
                        std::chrono::duration_cast<std::chrono::milliseconds>(s_.step_timeout)
                            .count(),
                        obs_.messages));
            }
            if (!handle(header, body)) return false;
            if (header.type == type) return true;
            if (obs_.disconnecting) {
                return fail(Failure::link_refused,
                            fmt::format("{}: the server sent DISCONNECTING ({})",
                                        stage_description(obs_.stage),
                                        sp::link_error_name(obs_.disconnecting->reason)));
            }
        }
    }

    // Asks for the channel list; the server answers with CHANNELS_LIST.
    bool attach_channels() {
        obs_.stage = Stage::channels_list;
        return send(sp::client_msg::kMainAttachChannels, {}) &&
               wait_for(sp::server_msg::kMainChannelsList);
    }

    // Keeps reading until the watch window closes; silence is the normal end.
    void watch() {
        obs_.stage = Stage::watching;
        obs_.first_list_at = since_start();
        const auto started = Clock::now();
        // Leave a little of the probe's time for building the report.
        const auto budget_end = s_.deadline - 150ms;
        auto end = started + s_.watch;
        if (end > budget_end) {
            end = std::max(started, budget_end);
            obs_.watch_cut_by_deadline = true;
        }
        sp::MessageHeader header;
        std::vector<std::uint8_t> body;
        while (Clock::now() < end && !(s_.interrupted && s_.interrupted())) {
            const auto r = read_message(end, header, body);
            if (r != Read::message || !handle(header, body)) break;
        }
        obs_.watched =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    }

    const ClientSettings& s_;
    SpiceObservation obs_;
    DeadlineSocket sock_;
    Clock::time_point start_;
    sp::HeaderKind kind_ = sp::HeaderKind::full;
    std::uint64_t serial_ = 0;
    std::uint32_t ack_window_ = 0;
    std::uint32_t ack_count_ = 0;
};

}  // namespace

SpiceObservation observe_spice_server(const ClientSettings& settings) {
    return MainChannelClient(settings).run();
}

}  // namespace netdiag::probes::spice
