#include "probes/wasi_af/wasix_abi.hpp"

#include <algorithm>
#include <iterator>

namespace netdiag::probes::wasi_af {

std::optional<SocketImportInfo> classify_socket_import(std::string_view module,
                                                       std::string_view field) {
    if (module != kWasix32Module && module != kWasix64Module && module != kPreview1Module) {
        return std::nullopt;
    }
    if (!field.starts_with("sock_")) return std::nullopt;
    if (field == "sock_open") return SocketImportInfo{SocketCall::open, 4, -1, -1, 3};
    if (field == "sock_bind") return SocketImportInfo{SocketCall::bind, 2, 0, 1, -1};
    if (field == "sock_listen") return SocketImportInfo{SocketCall::listen, 2, 0, -1, -1};
    if (field == "sock_connect") return SocketImportInfo{SocketCall::connect, 2, 0, 1, -1};
    if (field == "sock_accept") return SocketImportInfo{SocketCall::accept, 3, 0, -1, 2};
    if (field == "sock_accept_v2") return SocketImportInfo{SocketCall::accept, 4, 0, -1, 2};
    if (field == "sock_send_to") return SocketImportInfo{SocketCall::send_to, 6, 0, 4, -1};
    return SocketImportInfo{SocketCall::other, 0, 0, -1, -1};
}

bool module_provides(std::string_view module, std::string_view field) {
    if (module != kPreview1Module || !field.starts_with("sock_")) return true;
    return field == "sock_accept" || field == "sock_recv" || field == "sock_send" ||
           field == "sock_shutdown";
}

std::string family_name(std::int64_t af) {
    switch (af) {
        case kAfUnspec:
            return "UNSPEC (0)";
        case af_inet4:
            return "INET4 (1)";
        case af_inet6:
            return "INET6 (2)";
        case af_unix:
            return "UNIX (3)";
        default:
            return std::to_string(af) + " (not a WASIX family)";
    }
}

std::string socktype_name(std::int64_t type) {
    switch (type) {
        case kSockUnknown:
            return "unknown (0)";
        case sock_stream:
            return "STREAM (1)";
        case sock_dgram:
            return "DGRAM (2)";
        case sock_raw:
            return "RAW (3)";
        case sock_seqpacket:
            return "SEQPACKET (4)";
        default:
            return std::to_string(type) + " (not a WASIX socket type)";
    }
}

std::string posix_family_meaning(std::int64_t af) {
    switch (af) {
        case 10:
            return "AF_INET6 on Linux";
        case 23:
            return "AF_INET6 on Windows";
        case 28:
            return "AF_INET6 on FreeBSD";
        case 30:
            return "AF_INET6 on macOS";
        default:
            return {};
    }
}

std::string socktype_problem(std::int64_t type) {
    if (type >= sock_stream && type <= sock_seqpacket) return {};
    if (type == kSockUnknown) return "0 is the WASIX 'unknown' socket type, which cannot be opened";
    if (type == 5) return "5 is SOCK_SEQPACKET in POSIX; WASIX SEQPACKET is 4";
    constexpr std::int64_t kLinuxNonblock = 0x800, kLinuxCloexec = 0x80000;
    if (type > 0 && (type & (kLinuxNonblock | kLinuxCloexec)) != 0) {
        const std::int64_t base = type & ~(kLinuxNonblock | kLinuxCloexec);
        std::string flags;
        if (type & kLinuxNonblock) flags += "SOCK_NONBLOCK";
        if (type & kLinuxCloexec) flags += flags.empty() ? "SOCK_CLOEXEC" : " | SOCK_CLOEXEC";
        return std::to_string(type) + " is " + std::to_string(base) + " | " + flags +
               " (Linux flags); WASIX takes only the type, and sets non-blocking mode with "
               "fd_fdstat_set_flags";
    }
    return std::to_string(type) +
           " is outside the WASIX socket types (1 STREAM, 2 DGRAM, "
           "3 RAW, 4 SEQPACKET)";
}

bool is_well_known_port(std::uint32_t port) {
    static constexpr std::uint16_t kPorts[] = {
        20,   21,   22,   23,   25,   53,   67,   68,    69,    80,   110,  123,  143,
        161,  389,  443,  465,  514,  587,  631,  636,   853,   993,  995,  1080, 1194,
        1433, 1521, 1883, 2049, 2375, 2376, 3000, 3306,  3389,  4000, 4443, 5000, 5001,
        5353, 5432, 5672, 5900, 6379, 6443, 7000, 7446,  7447,  8000, 8008, 8080, 8081,
        8443, 8888, 9000, 9090, 9092, 9200, 9443, 11211, 27017, 50051};
    return std::find(std::begin(kPorts), std::end(kPorts), port) != std::end(kPorts);
}

}  // namespace netdiag::probes::wasi_af
