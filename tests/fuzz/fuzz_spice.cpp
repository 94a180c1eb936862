// libFuzzer target for the SPICE codec: every decoder netdiag feeds with bytes from a server.
// The first input byte picks the decoder, the rest is its input. Decoders must return a value
// or a DecodeError, never crash, never read out of bounds, never allocate from a length field
// beyond its bound. Run: tests/fuzz/run_fuzz.sh spice 60
// fuzz-sources: src/proto/spice/spice_constants.cpp src/proto/spice/spice_link.cpp
// fuzz-sources: src/proto/spice/spice_messages.cpp
#include <cstddef>
#include <cstdint>
#include <span>

#include "proto/spice/spice_link.hpp"
#include "proto/spice/spice_messages.hpp"

namespace sp = netdiag::proto::spice;

namespace {

// Re-encoding what decoded must decode again to the same value: checks encoder and decoder
// agree on the layout.
void check_channels_round_trip(const std::vector<sp::ChannelId>& channels) {
    const auto again = sp::decode_channels_list(sp::encode_channels_list(channels));
    if (!again.ok() || again.value() != channels) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::span<const std::uint8_t> input(data + 1, size - 1);
    switch (data[0] % 12) {
        case 0:
            (void)sp::decode_link_header(input);
            break;
        case 1:
            (void)sp::decode_link_message(input);
            break;
        case 2: {
            const auto reply = sp::decode_link_reply(input);
            if (reply.ok()) {
                (void)sp::common_cap_names(reply.value().common_caps);
                (void)sp::main_cap_names(reply.value().channel_caps);
            }
            break;
        }
        case 3:
            (void)sp::decode_message_header(sp::HeaderKind::mini, input);
            break;
        case 4:
            (void)sp::decode_message_header(sp::HeaderKind::full, input);
            break;
        case 5:
            (void)sp::decode_main_init(input);
            break;
        case 6: {
            const auto list = sp::decode_channels_list(input);
            if (list.ok()) {
                for (const auto& c : list.value()) (void)sp::channel_type_name(c.type);
                check_channels_round_trip(list.value());
            }
            break;
        }
        case 7:
            (void)sp::decode_notify(input);
            break;
        case 8:
            (void)sp::decode_disconnecting(input);
            break;
        case 9:
            (void)sp::decode_set_ack(input);
            break;
        case 10:
            (void)sp::decode_ping(input);
            break;
        default: {
            // A stream as the client reads it: mini header, bounded body, dispatch by type.
            std::size_t at = 0;
            while (input.size() - at >= sp::kMiniHeaderSize) {
                const auto h =
                    sp::decode_message_header(sp::HeaderKind::mini, input.subspan(at)).value();
                at += sp::kMiniHeaderSize;
                if (h.size > sp::kMaxMessageBody || h.size > input.size() - at) break;
                const auto body = input.subspan(at, h.size);
                at += h.size;
                if (h.type == sp::server_msg::kMainChannelsList) {
                    (void)sp::decode_channels_list(body);
                } else if (h.type == sp::server_msg::kNotify) {
                    (void)sp::decode_notify(body);
                }
                (void)sp::main_server_message_name(h.type);
            }
        }
    }
    return 0;
}
