// A SPICE server for tests, built on netdiag's SPICE codec so it speaks the real wire format.
// It plays a well-behaved spice-server main channel up to the first CHANNELS_LIST, then
// misbehaves as asked: faults no real server here produces on demand (QEMU 9.1.1's PLAYBACK
// announced twice, a 4 GiB length, a message cut short, a server that never answers).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <asio.hpp>

#include "proto/spice/spice_link.hpp"
#include "proto/spice/spice_messages.hpp"

namespace netdiag::test {

enum class MockBehaviour {
    normal,                // the QEMU 7.2 channel list, then quiet
    duplicate_in_list,     // PLAYBACK (5, 0) twice in the first list
    duplicate_later,       // the normal list, then PLAYBACK (5, 0) alone after `delay`
    huge_length,           // CHANNELS_LIST whose size field says 0xFFFFFFFF
    stop_mid_message,      // CHANNELS_LIST declared 2000 bytes, 10 sent, then close
    never_answer,          // accepts, reads the link message, says nothing
    refuse_link,           // link reply with error `link_error`
    wrong_magic,           // answers "HTTP/1.1 400 Bad Request"
    unknown_channel_type,  // the normal list plus (42, 0)
    trickle                // the link reply one byte per `delay`, as a stalled peer would
};

class MockSpiceServer {
public:
    MockSpiceServer(MockBehaviour behaviour, std::vector<std::uint8_t> public_key,
                    std::chrono::milliseconds delay = std::chrono::milliseconds(300),
                    std::uint32_t link_error = 5)
        : behaviour_(behaviour),
          key_(std::move(public_key)),
          delay_(delay),
          link_error_(link_error),
          acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        asio::co_spawn(io_, serve(), asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~MockSpiceServer() {
        io_.stop();
        thread_.join();
    }
    MockSpiceServer(const MockSpiceServer&) = delete;
    MockSpiceServer& operator=(const MockSpiceServer&) = delete;

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    std::string target() const { return "127.0.0.1:" + std::to_string(port()); }

    // What the client did, for assertions.
    std::atomic<bool> linked{false};
    std::atomic<bool> attach_received{false};
    std::atomic<int> pongs{0};
    std::atomic<bool> client_closed{false};
    std::atomic<int> bytes_trickled{0};

    static std::vector<std::uint8_t> read_key(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    static std::vector<proto::spice::ChannelId> qemu_channels() {
        return {{6, 0}, {5, 0}, {2, 0}, {4, 0}, {3, 0}};
    }

private:
    using Socket = asio::ip::tcp::socket;
    template <class T>
    using Task = asio::awaitable<T>;

    Task<void> send(Socket& s, const std::vector<std::uint8_t>& bytes) {
        co_await asio::async_write(s, asio::buffer(bytes), asio::use_awaitable);
    }
    Task<void> send_message(Socket& s, std::uint16_t type, const std::vector<std::uint8_t>& body) {
        co_await send(s, proto::spice::encode_message(proto::spice::HeaderKind::mini, type, body));
    }
    Task<std::vector<std::uint8_t>> receive(Socket& s, std::size_t n) {
        std::vector<std::uint8_t> buffer(n);
        co_await asio::async_read(s, asio::buffer(buffer), asio::use_awaitable);
        co_return buffer;
    }
    Task<void> wait(std::chrono::milliseconds how_long) {
        asio::steady_timer timer(io_, how_long);
        co_await timer.async_wait(asio::use_awaitable);
    }
    // Reads client messages (mini header) until one of `type`; counts PONGs on the way.
    Task<void> read_until(Socket& s, std::uint16_t type) {
        while (true) {
            auto head = co_await receive(s, proto::spice::kMiniHeaderSize);
            const auto h =
                proto::spice::decode_message_header(proto::spice::HeaderKind::mini, head).value();
            if (h.size > 4096) throw std::runtime_error("client message too large");
            co_await receive(s, h.size);
            if (h.type == proto::spice::client_msg::kPong) ++pongs;
            if (h.type == type) co_return;
        }
    }
    // Holds the connection open until the client closes it.
    Task<void> drain(Socket& s) {
        std::array<std::uint8_t, 512> sink{};
        try {
            while (true) co_await s.async_read_some(asio::buffer(sink), asio::use_awaitable);
        } catch (const std::exception&) {
            client_closed = true;
        }
    }

    Task<void> serve() {
        try {
            auto socket = co_await acceptor_.async_accept(asio::use_awaitable);
            co_await session(socket);
        } catch (const std::exception&) {
            // The client went away: the test asserts on what the client reported.
        }
    }

    Task<void> session(Socket& s) {
        auto head = co_await receive(s, proto::spice::kLinkHeaderSize);
        const auto header = proto::spice::decode_link_header(head).value();
        auto mess = proto::spice::decode_link_message(co_await receive(s, header.size));
        if (!mess) throw std::runtime_error(mess.error().message);
        if (behaviour_ == MockBehaviour::never_answer) co_return co_await drain(s);
        if (behaviour_ == MockBehaviour::wrong_magic) {
            const std::string http = "HTTP/1.1 400 Bad Request\r\n\r\n";
            co_await send(s, std::vector<std::uint8_t>(http.begin(), http.end()));
            co_return co_await drain(s);
        }
        proto::spice::LinkReply reply;
        std::copy_n(key_.begin(), std::min(key_.size(), reply.public_key.size()),
                    reply.public_key.begin());
        if (behaviour_ == MockBehaviour::trickle) {
            const auto bytes = proto::spice::encode_link_reply(reply);
            for (std::size_t i = 0; i < bytes.size(); ++i) {
                co_await asio::async_write(s, asio::buffer(&bytes[i], 1), asio::use_awaitable);
                ++bytes_trickled;
                co_await wait(delay_);
            }
            co_return co_await drain(s);
        }
        if (behaviour_ == MockBehaviour::refuse_link) {
            reply.error = link_error_;
            co_await send(s, proto::spice::encode_link_reply(reply));
            co_return co_await drain(s);
        }
        for (auto cap :
             {proto::spice::CommonCap::protocol_auth_selection, proto::spice::CommonCap::auth_spice,
              proto::spice::CommonCap::mini_header}) {
            proto::spice::set_cap(reply.common_caps, static_cast<unsigned>(cap));
        }
        co_await send(s, proto::spice::encode_link_reply(reply));
        co_await receive(s, 4);                          // auth mechanism
        co_await receive(s, proto::spice::kTicketSize);  // the encrypted ticket
        // Temporaries built from braced lists are kept out of co_await expressions: GCC 12
        // miscompiles those ("array used as initializer").
        const auto link_ok = proto::spice::encode_u32(0);
        co_await send(s, std::vector<std::uint8_t>(link_ok.begin(), link_ok.end()));
        linked = true;

        proto::spice::SetAck set_ack;
        set_ack.generation = 1;
        set_ack.window = 20;
        co_await send_message(s, proto::spice::server_msg::kSetAck,
                              proto::spice::encode_set_ack(set_ack));
        // A PING before MAIN_INIT, so its PONG comes before ATTACH_CHANNELS.
        proto::spice::Ping ping;
        ping.id = 1;
        ping.timestamp = 42;
        co_await send_message(s, proto::spice::server_msg::kPing,
                              proto::spice::encode_ping(ping, 1000));
        proto::spice::MainInit init;
        init.session_id = 0x5eed;
        init.display_channels_hint = 1;
        co_await send_message(s, proto::spice::server_msg::kMainInit,
                              proto::spice::encode_main_init(init));
        co_await read_until(s, proto::spice::client_msg::kMainAttachChannels);
        attach_received = true;
        co_await misbehave(s);
        co_await drain(s);
    }

    Task<void> misbehave(Socket& s) {
        auto channels = qemu_channels();
        const auto list = proto::spice::server_msg::kMainChannelsList;
        switch (behaviour_) {
            case MockBehaviour::duplicate_in_list:
                channels.push_back({5, 0});
                co_await send_message(s, list, proto::spice::encode_channels_list(channels));
                break;
            case MockBehaviour::duplicate_later: {
                co_await send_message(s, list, proto::spice::encode_channels_list(channels));
                co_await wait(delay_);
                std::vector<proto::spice::ChannelId> again(1);
                again[0].type = 5;
                co_await send_message(s, list, proto::spice::encode_channels_list(again));
                break;
            }
            case MockBehaviour::huge_length: {
                auto bytes =
                    proto::spice::encode_message(proto::spice::HeaderKind::mini, list,
                                                 proto::spice::encode_channels_list(channels));
                bytes[2] = bytes[3] = bytes[4] = bytes[5] = 0xff;  // size field: 4 GiB - 1
                co_await send(s, bytes);
                break;
            }
            case MockBehaviour::stop_mid_message: {
                auto bytes = proto::spice::encode_message(proto::spice::HeaderKind::mini, list,
                                                          std::vector<std::uint8_t>(2000, 0));
                bytes.resize(proto::spice::kMiniHeaderSize + 10);
                co_await send(s, bytes);
                s.close();
                co_return;
            }
            case MockBehaviour::unknown_channel_type:
                channels.push_back({42, 0});
                co_await send_message(s, list, proto::spice::encode_channels_list(channels));
                break;
            default:
                co_await send_message(s, list, proto::spice::encode_channels_list(channels));
        }
    }

    MockBehaviour behaviour_;
    std::vector<std::uint8_t> key_;
    std::chrono::milliseconds delay_;
    std::uint32_t link_error_;
    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
};

}  // namespace netdiag::test
