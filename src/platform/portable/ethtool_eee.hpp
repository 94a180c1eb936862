// ETHTOOL_MSG_EEE_GET over generic netlink, as bytes: the request netdiag sends and the parse of
// the kernel's reply (or a recorded one). Pure, so recorded replies are tested on every
// platform; the socket calls live in ethtool_eee_linux.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netdiag::platform::linux_fs {

using Bytes = std::vector<std::uint8_t>;

// What a reply said: the two EEE flags, or the kernel's error (a positive errno), or that the
// bytes were not a reply netdiag understands (malformed, truncated).
struct EeeReply {
    std::optional<bool> enabled;
    std::optional<bool> active;
    int error = 0;
    std::string malformed;
};

// CTRL_CMD_GETFAMILY for "ethtool" on the generic netlink controller.
Bytes ethtool_family_request(std::uint32_t sequence);
// The family id from the controller's reply; error = errno when the family is absent.
struct FamilyReply {
    std::optional<std::uint16_t> id;
    int error = 0;
    std::string malformed;
};
FamilyReply parse_family_reply(const Bytes& reply);

Bytes eee_get_request(std::uint16_t family, std::uint32_t sequence, std::string_view interface);
EeeReply parse_eee_reply(const Bytes& reply);

// A Linux errno from a reply, named the same on every platform (recorded replies are read on
// Windows too): "EOPNOTSUPP (95): the driver does not report EEE".
std::string eee_error_text(int error);

// "380000000200…" → bytes; whitespace ignored; empty on a bad digit.
std::optional<Bytes> bytes_from_hex(std::string_view text);

}  // namespace netdiag::platform::linux_fs
