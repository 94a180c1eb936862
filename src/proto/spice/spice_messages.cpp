#include "proto/spice/spice_messages.hpp"

#include <optional>

#include "proto/spice/byte_io.hpp"

namespace netdiag::proto::spice {
namespace {

std::optional<proto::DecodeError> need(std::span<const std::uint8_t> body, std::size_t size,
                                       const char* what) {
    if (body.size() >= size) return std::nullopt;
    return proto::decode_error(std::string(what) + ": body has " + std::to_string(body.size()) +
                                   " bytes, needs " + std::to_string(size),
                               body.size());
}

}  // namespace

std::size_t header_size(HeaderKind kind) {
    return kind == HeaderKind::mini ? kMiniHeaderSize : kDataHeaderSize;
}

proto::Decoded<MessageHeader> decode_message_header(HeaderKind kind,
                                                    std::span<const std::uint8_t> bytes) {
    if (bytes.size() < header_size(kind)) {
        return proto::decode_error("message header: " + std::to_string(bytes.size()) + " of " +
                                       std::to_string(header_size(kind)) + " bytes",
                                   bytes.size());
    }
    ByteReader r(bytes);
    MessageHeader h;
    if (kind == HeaderKind::full) h.serial = r.u64();
    h.type = r.u16();
    h.size = r.u32();
    if (kind == HeaderKind::full) h.sub_list = r.u32();
    return h;
}

std::vector<std::uint8_t> encode_message(HeaderKind kind, std::uint16_t type,
                                         std::span<const std::uint8_t> body, std::uint64_t serial) {
    ByteWriter w;
    if (kind == HeaderKind::full) w.u64(serial);
    w.u16(type);
    w.u32(static_cast<std::uint32_t>(body.size()));
    if (kind == HeaderKind::full) w.u32(0);
    w.bytes(body);
    return w.take();
}

proto::Decoded<MainInit> decode_main_init(std::span<const std::uint8_t> body) {
    if (auto err = need(body, kMainInitSize, "MAIN_INIT")) return *err;
    ByteReader r(body);
    MainInit m;
    m.session_id = r.u32();
    m.display_channels_hint = r.u32();
    m.supported_mouse_modes = r.u32();
    m.current_mouse_mode = r.u32();
    m.agent_connected = r.u32();
    m.agent_tokens = r.u32();
    m.multi_media_time = r.u32();
    m.ram_hint = r.u32();
    return m;
}

std::vector<std::uint8_t> encode_main_init(const MainInit& m) {
    ByteWriter w;
    for (auto v :
         {m.session_id, m.display_channels_hint, m.supported_mouse_modes, m.current_mouse_mode,
          m.agent_connected, m.agent_tokens, m.multi_media_time, m.ram_hint}) {
        w.u32(v);
    }
    return w.take();
}

proto::Decoded<std::vector<ChannelId>> decode_channels_list(std::span<const std::uint8_t> body) {
    if (auto err = need(body, 4, "CHANNELS_LIST")) return *err;
    ByteReader r(body);
    const auto count = r.u32();
    // Compare in 64 bits: count * 2 overflows 32 bits for a hostile count.
    if (std::uint64_t{count} * 2 > r.remaining()) {
        return proto::decode_error("CHANNELS_LIST: " + std::to_string(count) + " entries need " +
                                       std::to_string(std::uint64_t{count} * 2) +
                                       " bytes, body has " + std::to_string(r.remaining()),
                                   0);
    }
    std::vector<ChannelId> out;
    out.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        ChannelId c;
        c.type = r.u8();
        c.id = r.u8();
        out.push_back(c);
    }
    return out;
}

std::vector<std::uint8_t> encode_channels_list(std::span<const ChannelId> channels) {
    ByteWriter w;
    w.u32(static_cast<std::uint32_t>(channels.size()));
    for (const auto& c : channels) {
        w.u8(c.type);
        w.u8(c.id);
    }
    return w.take();
}

proto::Decoded<Notify> decode_notify(std::span<const std::uint8_t> body) {
    if (auto err = need(body, 24, "NOTIFY")) return *err;
    ByteReader r(body);
    Notify n;
    n.time_stamp = r.u64();
    n.severity = r.u32();
    n.visibility = r.u32();
    n.what = r.u32();
    const auto length = r.u32();
    if (length > r.remaining()) {
        return proto::decode_error("NOTIFY: message of " + std::to_string(length) +
                                       " bytes, body has " + std::to_string(r.remaining()),
                                   20);
    }
    const auto text = r.bytes(length);
    n.message.assign(text.begin(), text.end());
    // The wire form ends the text with a NUL that message_len may or may not count.
    while (!n.message.empty() && n.message.back() == '\0') n.message.pop_back();
    return n;
}

std::vector<std::uint8_t> encode_notify(const Notify& n) {
    ByteWriter w;
    w.u64(n.time_stamp);
    w.u32(n.severity);
    w.u32(n.visibility);
    w.u32(n.what);
    w.u32(static_cast<std::uint32_t>(n.message.size()));
    for (char c : n.message) w.u8(static_cast<std::uint8_t>(c));
    w.u8(0);
    return w.take();
}

proto::Decoded<Disconnecting> decode_disconnecting(std::span<const std::uint8_t> body) {
    if (auto err = need(body, 12, "DISCONNECTING")) return *err;
    ByteReader r(body);
    Disconnecting d;
    d.time_stamp = r.u64();
    d.reason = r.u32();
    return d;
}

std::vector<std::uint8_t> encode_disconnecting(const Disconnecting& d) {
    ByteWriter w;
    w.u64(d.time_stamp);
    w.u32(d.reason);
    return w.take();
}

proto::Decoded<SetAck> decode_set_ack(std::span<const std::uint8_t> body) {
    if (auto err = need(body, 8, "SET_ACK")) return *err;
    ByteReader r(body);
    SetAck a;
    a.generation = r.u32();
    a.window = r.u32();
    return a;
}

std::vector<std::uint8_t> encode_set_ack(const SetAck& a) {
    ByteWriter w;
    w.u32(a.generation);
    w.u32(a.window);
    return w.take();
}

std::vector<std::uint8_t> encode_ack_sync(std::uint32_t generation) {
    ByteWriter w;
    w.u32(generation);
    return w.take();
}

proto::Decoded<Ping> decode_ping(std::span<const std::uint8_t> body) {
    if (auto err = need(body, 12, "PING")) return *err;
    ByteReader r(body);
    Ping p;
    p.id = r.u32();
    p.timestamp = r.u64();
    return p;
}

std::vector<std::uint8_t> encode_ping(const Ping& p, std::size_t padding) {
    ByteWriter w;
    w.u32(p.id);
    w.u64(p.timestamp);
    w.buffer().resize(w.size() + padding, 0);
    return w.take();
}

std::vector<std::uint8_t> encode_pong(const Ping& p) {
    return encode_ping(p, 0);
}

}  // namespace netdiag::proto::spice
