// The SPICE codec: round trips, the exact bytes of the link message, and precise errors for
// hostile lengths and counts.
#include <catch2/catch.hpp>

#include "proto/spice/spice_link.hpp"
#include "proto/spice/spice_messages.hpp"

namespace sp = netdiag::proto::spice;

TEST_CASE("spice link message has the wire layout spice-server expects", "[spice][codec]") {
    sp::LinkMessage m;
    sp::set_cap(m.common_caps, 0);
    sp::set_cap(m.common_caps, 1);
    sp::set_cap(m.common_caps, 3);
    const auto bytes = sp::encode_link_message(m);
    REQUIRE(bytes.size() == 16 + 18 + 4);
    CHECK(std::string(bytes.begin(), bytes.begin() + 4) == "REDQ");
    CHECK(bytes[4] == 2);         // major
    CHECK(bytes[8] == 2);         // minor
    CHECK(bytes[12] == 22);       // size: 18 + one caps word
    CHECK(bytes[16 + 4] == 1);    // channel type MAIN
    CHECK(bytes[16 + 6] == 1);    // one common caps word
    CHECK(bytes[16 + 14] == 18);  // caps offset
    CHECK(bytes[16 + 18] == 0b1011);

    const auto back = sp::decode_link_message(std::span(bytes).subspan(16));
    REQUIRE(back.ok());
    CHECK(back.value().channel_type == 1);
    CHECK(back.value().common_caps == std::vector<std::uint32_t>{0b1011});
}

TEST_CASE("spice link reply round trip and limits", "[spice][codec]") {
    sp::LinkReply reply;
    reply.public_key[0] = 0x30;
    reply.common_caps = {0b1011};
    reply.channel_caps = {0xf};
    const auto bytes = sp::encode_link_reply(reply);
    REQUIRE(bytes.size() == 16 + 178 + 8);
    const auto header = sp::decode_link_header(bytes);
    REQUIRE(header.ok());
    CHECK(header.value().magic == sp::kLinkMagic);
    CHECK(header.value().size == 186);
    auto body = std::span(bytes).subspan(16);
    const auto back = sp::decode_link_reply(body);
    REQUIRE(back.ok());
    CHECK(back.value().public_key[0] == 0x30);
    CHECK(sp::common_cap_names(back.value().common_caps) ==
          std::vector<std::string>{"PROTOCOL_AUTH_SELECTION", "AUTH_SPICE", "MINI_HEADER"});
    CHECK(sp::main_cap_names(back.value().channel_caps).size() == 4);

    SECTION("a short refusal keeps its error code") {
        const std::vector<std::uint8_t> short_refusal{5, 0, 0, 0};
        const auto refusal = sp::decode_link_reply(short_refusal);
        REQUIRE(refusal.ok());
        CHECK(refusal.value().error == 5);
        // A short reply that claims success is not a reply.
        CHECK_FALSE(sp::decode_link_reply(body.first(4)).ok());
    }
    SECTION("caps beyond the body are refused") {
        auto copy = std::vector<std::uint8_t>(body.begin(), body.end());
        copy[166] = 0xff;  // num_common_caps low byte
        copy[167] = 0xff;
        copy[168] = 0xff;
        copy[169] = 0xff;
        const auto bad = sp::decode_link_reply(copy);
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.error().message.find("over the limit") != std::string::npos);
    }
    SECTION("a caps offset inside the fixed part is refused") {
        auto copy = std::vector<std::uint8_t>(body.begin(), body.end());
        copy[174] = 10;
        CHECK_FALSE(sp::decode_link_reply(copy).ok());
    }
}

TEST_CASE("spice message headers: mini and full", "[spice][codec]") {
    const std::vector<std::uint8_t> body{1, 2, 3};
    const auto mini = sp::encode_message(sp::HeaderKind::mini, 104, body);
    REQUIRE(mini.size() == 6 + 3);
    const auto h = sp::decode_message_header(sp::HeaderKind::mini, mini);
    REQUIRE(h.ok());
    CHECK(h.value().type == 104);
    CHECK(h.value().size == 3);

    const auto full = sp::encode_message(sp::HeaderKind::full, 3, body, 77);
    REQUIRE(full.size() == 18 + 3);
    const auto f = sp::decode_message_header(sp::HeaderKind::full, full);
    REQUIRE(f.ok());
    CHECK(f.value().serial == 77);
    CHECK(f.value().type == 3);
    CHECK(f.value().size == 3);
    CHECK_FALSE(sp::decode_message_header(sp::HeaderKind::full, mini).ok());
}

TEST_CASE("spice CHANNELS_LIST decoding", "[spice][codec]") {
    const std::vector<sp::ChannelId> channels{{6, 0}, {5, 0}, {2, 0}, {4, 0}, {3, 0}};
    const auto body = sp::encode_channels_list(channels);
    CHECK(body.size() == 4 + 10);
    const auto back = sp::decode_channels_list(body);
    REQUIRE(back.ok());
    CHECK(back.value() == channels);

    SECTION("a count larger than the body is refused, even one that overflows 32 bits") {
        std::vector<std::uint8_t> hostile{0xff, 0xff, 0xff, 0xff, 5, 0};
        const auto bad = sp::decode_channels_list(hostile);
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.error().message ==
              "CHANNELS_LIST: 4294967295 entries need 8589934590 bytes, body has 2");
    }
    SECTION("an empty body") {
        CHECK_FALSE(sp::decode_channels_list({}).ok());
    }
}

TEST_CASE("spice main-channel messages round trip", "[spice][codec]") {
    sp::MainInit init;
    init.session_id = 0xdeadbeef;
    init.ram_hint = 7;
    const auto i = sp::decode_main_init(sp::encode_main_init(init));
    REQUIRE(i.ok());
    CHECK(i.value().session_id == 0xdeadbeef);
    CHECK(i.value().ram_hint == 7);
    CHECK_FALSE(sp::decode_main_init(std::vector<std::uint8_t>(31)).ok());

    sp::Notify n;
    n.severity = 2;
    n.message = "keyboard grabbed";
    const auto nb = sp::decode_notify(sp::encode_notify(n));
    REQUIRE(nb.ok());
    CHECK(nb.value().message == "keyboard grabbed");
    auto hostile = sp::encode_notify(n);
    hostile[20] = 0xff;  // message_len past the body
    CHECK_FALSE(sp::decode_notify(hostile).ok());

    const auto d = sp::decode_disconnecting(sp::encode_disconnecting({5, 7}));
    REQUIRE(d.ok());
    CHECK(d.value().reason == 7);

    const auto ping = sp::decode_ping(sp::encode_ping({3, 99}, 256000));
    REQUIRE(ping.ok());
    CHECK(ping.value().id == 3);
    CHECK(ping.value().timestamp == 99);
    CHECK(sp::encode_pong(ping.value()).size() == 12);

    const auto ack = sp::decode_set_ack(sp::encode_set_ack({4, 20}));
    REQUIRE(ack.ok());
    CHECK(ack.value().window == 20);
}

TEST_CASE("spice names for channel types and link errors", "[spice][codec]") {
    CHECK(sp::channel_type_name(5) == "PLAYBACK");
    CHECK(sp::channel_type_name(11) == "WEBDAV");
    CHECK(sp::channel_type_name(0).empty());
    CHECK(sp::channel_type_name(12).empty());
    CHECK(sp::link_error_name(7) == "PERMISSION_DENIED");
    CHECK(sp::link_error_name(9) == "CHANNEL_NOT_AVAILABLE");
    CHECK(sp::link_error_name(42) == "UNKNOWN_42");
    CHECK(sp::main_server_message_name(104) == "CHANNELS_LIST");
    CHECK(sp::common_cap_names(std::vector<std::uint32_t>{1u << 9}) ==
          std::vector<std::string>{"BIT_9"});
}
