// HOST:PORT on the command line ("127.0.0.1:5930", "vmhost:5900", "[::1]:5930"): one syntax for
// every option that names another host. Each use says whether a bare HOST takes a default port
// and which port its error messages give as the example, so `--peer` suggests netdiag peer's
// port and `--spice` SPICE's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netdiag {

struct HostPortUse {
    std::optional<std::uint16_t> default_port;  // HOST alone takes it; nullopt: port required
    std::uint16_t example_port = 0;             // in error messages
    std::string_view example_host = "127.0.0.1";
    std::string_view what{};  // after "expected HOST:PORT", e.g. " of `netdiag peer`"
    std::string_view note{};  // after the example, e.g. " (… listens on 47100 by default)"
};

struct HostPort {
    std::string host;  // without IPv6 brackets
    std::uint16_t port = 0;
};

// nullopt with `error` set (quoting the text) when the text does not fit the use.
std::optional<HostPort> parse_host_port(std::string_view text, const HostPortUse& use,
                                        std::string& error);

// The uses netdiag has, so every option naming one host reads and explains it alike.
inline constexpr HostPortUse kSpiceServer{.default_port = std::nullopt, .example_port = 5930};
inline constexpr HostPortUse kNetdiagPeer{
    .default_port = std::nullopt,
    .example_port = 47100,
    .example_host = "192.0.2.10",
    .what = " of `netdiag peer`",
    .note = " ([2001:db8::10]:47100 for IPv6; netdiag peer listens on 47100 by default)"};
inline constexpr HostPortUse kPeerListen{.default_port = 47100, .example_port = 47100};
inline constexpr HostPortUse kDiscardService{.default_port = 9, .example_port = 9};

}  // namespace netdiag
