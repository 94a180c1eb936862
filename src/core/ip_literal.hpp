#pragma once
// Strict, OS-independent parsing of textual IP addresses.
//
// asio::ip::make_address hands the text to the OS: glibc's inet_pton is strict, but on Windows
// it goes through WSAStringToAddress, which also accepts "192.0.2.7:7446", "6.1.0" and other
// inet_aton shorthands. netdiag must read the same text the same way everywhere (a redacted
// report must not depend on the OS that wrote it), so literals are checked here first.
#include <optional>
#include <string_view>

#include <asio/ip/address.hpp>

namespace netdiag {

// Dotted quad with exactly four decimal parts 0-255 and no leading zeros beyond "0"
// ("192.0.2.7"), or an RFC 4291 IPv6 text form ("fe80::1", "::ffff:192.0.2.7", optional
// "%scope"). Anything else, including an address with a port, is nullopt.
std::optional<asio::ip::address> parse_ip_literal(std::string_view text);

bool is_ipv4_literal(std::string_view text);
bool is_ipv6_literal(std::string_view text);

}  // namespace netdiag
