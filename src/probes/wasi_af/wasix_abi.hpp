// Facts about the WASIX socket ABI the lint checks against (see docs/probes/wasi-af.md):
// which imports are socket calls, where their arguments sit, and the enum values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netdiag::probes::wasi_af {

enum class SocketCall {
    open,     // sock_open(af, socktype, proto, ret_fd_ptr)
    bind,     // sock_bind(fd, addr_ptr)
    listen,   // sock_listen(fd, backlog)
    connect,  // sock_connect(fd, addr_ptr)
    accept,   // sock_accept(fd, flags, ret_fd_ptr [, ret_addr_ptr]) and sock_accept_v2
    send_to,  // sock_send_to(fd, iovs, iovs_len, flags, addr_ptr, ret_len_ptr)
    other,    // any other sock_* call: uses a socket, changes nothing the lint tracks
};

struct SocketImportInfo {
    SocketCall call = SocketCall::other;
    unsigned params = 0;  // parameter count the lint expects; other counts are not interpreted
    int fd_arg = -1;      // argument index of the socket fd
    int addr_arg = -1;    // argument index of an input address (__wasi_addr_port_t*)
    int ret_fd_arg = -1;  // argument index where the runtime writes a new fd
};

inline constexpr std::string_view kWasix32Module = "wasix_32v1";
inline constexpr std::string_view kWasix64Module = "wasix_64v1";
inline constexpr std::string_view kPreview1Module = "wasi_snapshot_preview1";

// The socket function `field` imported from `module`, if the lint knows it; nullopt for other
// imports (and for socket names from modules that are not WASI/WASIX).
std::optional<SocketImportInfo> classify_socket_import(std::string_view module,
                                                       std::string_view field);

// False when `module` is WASI preview 1 and it has no function named `field` (preview 1 has only
// sock_accept, sock_recv, sock_send and sock_shutdown).
bool module_provides(std::string_view module, std::string_view field);

// Address family (WASIX __wasi_addressfamily_t).
inline constexpr std::int64_t kAfUnspec = 0, af_inet4 = 1, af_inet6 = 2, af_unix = 3;
// Socket type (WASIX __wasi_socktype_t).
inline constexpr std::int64_t kSockUnknown = 0, sock_stream = 1, sock_dgram = 2, sock_raw = 3,
                              sock_seqpacket = 4;

std::string family_name(std::int64_t af);      // "INET4 (1)", "10 (not a WASIX family)"
std::string socktype_name(std::int64_t type);  // "STREAM (1)"
// What a non-WASIX family value most likely meant, e.g. "AF_INET6 on Linux"; empty if nothing.
std::string posix_family_meaning(std::int64_t af);
// Why a socket type is wrong for WASIX, e.g. "5 is SOCK_SEQPACKET in POSIX; WASIX SEQPACKET is
// 4"; empty when the value is a valid WASIX type.
std::string socktype_problem(std::int64_t type);

// Ports a person is likely to mean: used to judge which byte order a port was written in.
bool is_well_known_port(std::uint32_t port);

}  // namespace netdiag::probes::wasi_af
