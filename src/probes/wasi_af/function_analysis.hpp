// Walks one function body with a small abstract stack machine and records every socket call it
// sees with the constants that reach it. Models constants, locals, stores to constant addresses,
// blocks, branches and loops (locals written in a loop are unknown inside it); stops cleanly at
// the first instruction it does not model and says where.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probes/wasi_af/abstract_state.hpp"
#include "probes/wasi_af/wasix_abi.hpp"
#include "proto/wasm/instructions.hpp"

namespace netdiag::wasi_af {

// A socket made in this function: by a sock_open (or sock_accept) call site.
struct SocketRecord {
    std::size_t created_at = 0;  // file offset of the creating call
    SocketCall created_by = SocketCall::open;
    AbsVal family, type, protocol;  // sock_open's arguments
    bool bound = false;             // passed to sock_bind (or accepted: already connected)
    bool listening = false;         // passed to sock_listen
    bool escaped = false;           // handed to code the analysis does not follow
};

struct CallFact {
    SocketCall call = SocketCall::other;
    std::string field;  // import name, e.g. "sock_open"
    std::size_t offset = 0;
    std::vector<AbsVal> args;
    std::optional<std::uint32_t> socket;   // socket of the fd argument, when known
    std::optional<std::uint32_t> created;  // socket this call creates
    std::optional<AddrBytes> address;      // input address argument, when at a known address
    // The socket's state when the call ran, along the instructions walked so far.
    bool socket_was_bound = false;
    bool socket_was_listening = false;
    bool socket_had_escaped = false;
};

struct FunctionFacts {
    std::uint32_t function_index = 0;
    std::vector<SocketRecord> sockets;
    std::vector<CallFact> calls;
    std::optional<std::string> stopped;  // why and where the walk stopped early
};

// socket_imports[i] describes function index i when it is an imported socket call.
FunctionFacts analyse_function(const wasm::Module& module, std::uint32_t body_index,
                               const wasm::DecodedBody& decoded,
                               const std::vector<std::optional<SocketImportInfo>>& socket_imports,
                               const DataImage& data);

}  // namespace netdiag::wasi_af
