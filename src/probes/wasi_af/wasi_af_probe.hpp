// Probe `wasi-af`: lints WebAssembly modules (--wasm FILE...) for WASIX socket misuse: POSIX
// address families and socket types, sockaddrs that disagree with their socket, ports in network
// byte order, sock_listen without sock_bind, sock_connect after sock_listen.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "netdiag/probe.hpp"

namespace netdiag::probes::wasi_af {

std::unique_ptr<Probe> make_probe();
// Everything the registry and the CLI need to know about this probe.
ProbeDescription description();

}  // namespace netdiag::probes::wasi_af
