// Probe `wasi-af`: the description the registry lists, with its option table.
#include "probes/option_builders.hpp"
#include "probes/wasi_af/wasi_af_options.hpp"
#include "probes/wasi_af/wasi_af_probe.hpp"

namespace netdiag::probes::wasi_af {

ProbeDescription description() {
    using namespace option_builders;
    return {
        .id = "wasi-af",
        .title = "WebAssembly WASIX socket lint",
        .summary =
            "Reads --wasm modules (.wasm, .wat with wat2wasm, folders) and follows "
            "constant arguments into WASIX socket calls: POSIX address families and "
            "socket types, sockaddr family or port byte order wrong, listen without "
            "bind, connect after listen",
        .platforms = {"linux", "windows"},
        .host_use = HostUse::works_alongside,
        .options =
            {
                text_option(
                    "--wasm", &WasiAfOptions::paths, "FILE",
                    "wasi-af: WebAssembly modules (.wasm, or .wat with wat2wasm) or folders"),
            },
        .findings =
            {
                {"ND-WASM-001", Severity::error,
                 "sock_open family 2 (INET6 in WASIX) used for an IPv4 address"},
                {"ND-WASM-002", Severity::error, "sock_open address family outside the WASIX enum"},
                {"ND-WASM-003", Severity::error, "sock_open socket type outside the WASIX enum"},
                {"ND-WASM-004", Severity::error,
                 "Address family tag disagrees with the socket's family"},
                {"ND-WASM-005", Severity::warning, "Port written in network byte order"},
                {"ND-WASM-006", Severity::error,
                 "sock_listen or sock_accept on a socket that was never bound"},
                {"ND-WASM-007", Severity::error, "sock_connect on a listening socket"},
                {"ND-WASM-008", Severity::error,
                 "sock_open protocol does not match the socket type"},
                {"ND-WASM-009", Severity::error,
                 "Socket function imported from a module that does not provide it"},
                {"ND-WASM-010", Severity::error, "WebAssembly module cannot be read"},
                {"ND-WASM-011", Severity::error, "WebAssembly input cannot be read or converted"},
                {"ND-WASM-012", Severity::info, "Module not fully linted"},
                {"ND-WASM-013", Severity::info, "Socket calls the lint could not judge"},
            },
        .make = [] { return make_probe(); },
    };
}

}  // namespace netdiag::probes::wasi_af
