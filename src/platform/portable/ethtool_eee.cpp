#include "platform/portable/ethtool_eee.hpp"

#include <cctype>
#include <cstring>

namespace netdiag::platform::linux_fs {
namespace {

// Values from linux/netlink.h, linux/genetlink.h and linux/ethtool_netlink.h; written here so the
// parser builds on every platform (ethtool_eee_linux.cpp checks them against the kernel headers).
constexpr std::uint16_t kNlmsgError = 2;
constexpr std::uint16_t kNlmsgDone = 3;
constexpr std::uint16_t kNlmFRequest = 1;
constexpr std::uint16_t kGenlIdCtrl = 0x10;
constexpr std::uint8_t kCtrlCmdGetFamily = 3;
constexpr std::uint16_t kCtrlAttrFamilyId = 1;
constexpr std::uint16_t kCtrlAttrFamilyName = 2;
constexpr std::uint8_t kEthtoolMsgEeeGet = 23;
constexpr std::uint8_t kEthtoolMsgEeeGetReply = 24;
constexpr std::uint16_t kEeeHeader = 1;
constexpr std::uint16_t kHeaderDevName = 2;
constexpr std::uint16_t kEeeActive = 4;
constexpr std::uint16_t kEeeEnabled = 5;
constexpr std::uint16_t kNlaFNested = 0x8000;
constexpr std::uint16_t kNlaTypeMask = 0x3fff;
constexpr std::size_t kNlmsgHeader = 16;
constexpr std::size_t kGenlHeader = 4;

std::size_t align4(std::size_t n) {
    return (n + 3) & ~std::size_t{3};
}

void put16(Bytes& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v & 0xff));
    b.push_back(static_cast<std::uint8_t>(v >> 8));
}

void put32(Bytes& b, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// Netlink is host-endian; every platform netdiag runs on is little-endian.
std::uint16_t get16(const Bytes& b, std::size_t at) {
    return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}

std::uint32_t get32(const Bytes& b, std::size_t at) {
    return static_cast<std::uint32_t>(b[at]) | (static_cast<std::uint32_t>(b[at + 1]) << 8) |
           (static_cast<std::uint32_t>(b[at + 2]) << 16) |
           (static_cast<std::uint32_t>(b[at + 3]) << 24);
}

Bytes attribute(std::uint16_t type, const Bytes& payload) {
    Bytes b;
    put16(b, static_cast<std::uint16_t>(4 + payload.size()));
    put16(b, type);
    b.insert(b.end(), payload.begin(), payload.end());
    b.resize(align4(b.size()), 0);
    return b;
}

Bytes string_payload(std::string_view text) {
    Bytes b(text.begin(), text.end());
    b.push_back(0);
    return b;
}

Bytes message(std::uint16_t type, std::uint32_t sequence, std::uint8_t command,
              const Bytes& attributes) {
    Bytes b;
    put32(b, static_cast<std::uint32_t>(kNlmsgHeader + kGenlHeader + attributes.size()));
    put16(b, type);
    put16(b, kNlmFRequest);
    put32(b, sequence);
    put32(b, 0);
    b.push_back(command);
    b.push_back(1);  // version
    put16(b, 0);
    b.insert(b.end(), attributes.begin(), attributes.end());
    return b;
}

struct Attribute {
    std::uint16_t type = 0;
    std::size_t offset = 0;  // of the payload
    std::size_t length = 0;  // of the payload
};

// The attributes between begin and end; false when one overruns its container.
bool attributes(const Bytes& b, std::size_t begin, std::size_t end, std::vector<Attribute>& out) {
    std::size_t at = begin;
    while (at + 4 <= end) {
        const std::size_t length = get16(b, at);
        if (length < 4 || at + length > end) return false;
        out.push_back(
            {static_cast<std::uint16_t>(get16(b, at + 2) & kNlaTypeMask), at + 4, length - 4});
        at += align4(length);
    }
    return true;
}

// Walks the messages of a reply; calls on_message(type, payload offset, payload end) for each
// that is neither an error nor done. Returns the kernel's errno, or fills `malformed`.
template <typename OnMessage>
int walk(const Bytes& b, std::string& malformed, OnMessage on_message) {
    std::size_t at = 0;
    if (b.size() < kNlmsgHeader) {
        malformed = "reply shorter than a netlink header";
        return 0;
    }
    while (at + kNlmsgHeader <= b.size()) {
        const std::size_t length = get32(b, at);
        const std::uint16_t type = get16(b, at + 4);
        if (length < kNlmsgHeader || at + length > b.size()) {
            malformed = "netlink message length runs past the reply";
            return 0;
        }
        if (type == kNlmsgError) {
            if (length < kNlmsgHeader + 4) {
                malformed = "netlink error message without its code";
                return 0;
            }
            const auto code = static_cast<std::int32_t>(get32(b, at + kNlmsgHeader));
            if (code != 0) return -code;
        } else if (type == kNlmsgDone) {
            return 0;
        } else if (!on_message(type, at + kNlmsgHeader, at + length)) {
            return 0;
        }
        at += align4(length);
    }
    return 0;
}

}  // namespace

Bytes ethtool_family_request(std::uint32_t sequence) {
    return message(kGenlIdCtrl, sequence, kCtrlCmdGetFamily,
                   attribute(kCtrlAttrFamilyName, string_payload("ethtool")));
}

FamilyReply parse_family_reply(const Bytes& reply) {
    FamilyReply out;
    out.error = walk(reply, out.malformed, [&](std::uint16_t, std::size_t begin, std::size_t end) {
        std::vector<Attribute> list;
        if (begin + kGenlHeader > end || !attributes(reply, begin + kGenlHeader, end, list)) {
            out.malformed = "malformed controller reply";
            return false;
        }
        for (const auto& a : list) {
            if (a.type == kCtrlAttrFamilyId && a.length >= 2) out.id = get16(reply, a.offset);
        }
        return true;
    });
    if (!out.id && out.error == 0 && out.malformed.empty()) {
        out.malformed = "controller reply without a family id";
    }
    return out;
}

Bytes eee_get_request(std::uint16_t family, std::uint32_t sequence, std::string_view interface) {
    const Bytes header = attribute(kHeaderDevName, string_payload(interface));
    return message(family, sequence, kEthtoolMsgEeeGet,
                   attribute(kEeeHeader | kNlaFNested, header));
}

EeeReply parse_eee_reply(const Bytes& reply) {
    EeeReply out;
    bool seen = false;
    out.error = walk(reply, out.malformed, [&](std::uint16_t, std::size_t begin, std::size_t end) {
        if (begin + kGenlHeader > end || reply[begin] != kEthtoolMsgEeeGetReply) {
            out.malformed = "not an ETHTOOL_MSG_EEE_GET_REPLY";
            return false;
        }
        std::vector<Attribute> list;
        if (!attributes(reply, begin + kGenlHeader, end, list)) {
            out.malformed = "an EEE attribute runs past its message";
            return false;
        }
        seen = true;
        for (const auto& a : list) {
            if (a.length < 1) continue;
            if (a.type == kEeeActive) out.active = reply[a.offset] != 0;
            if (a.type == kEeeEnabled) out.enabled = reply[a.offset] != 0;
        }
        return true;
    });
    if (!seen && out.error == 0 && out.malformed.empty()) out.malformed = "no EEE reply";
    return out;
}

std::string eee_error_text(int error) {
    switch (error) {
        case 95:
            return "EOPNOTSUPP (95): the driver does not report EEE";
        case 19:
            return "ENODEV (19): no such interface";
        case 1:
            return "EPERM (1): not permitted";
        case 22:
            return "EINVAL (22): the kernel refused the request";
        case 2:
            return "ENOENT (2): the kernel has no ethtool netlink family";
        default:
            return "errno " + std::to_string(error);
    }
}

std::optional<Bytes> bytes_from_hex(std::string_view text) {
    Bytes out;
    int high = -1;
    for (const char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) continue;
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        if (v < 0) return std::nullopt;
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(high * 16 + v));
            high = -1;
        }
    }
    if (high >= 0) return std::nullopt;
    return out;
}

}  // namespace netdiag::platform::linux_fs
