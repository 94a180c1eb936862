// Walks a function body with the abstract machine, following direct calls into the module's own
// functions (their parameters bound to the values passed, memory and globals shared), and
// records every socket call it meets with the values that reach it. A walk starts at a root:
// a function that reaches socket calls and that no other such function calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "probes/wasi_af/abstract_state.hpp"
#include "probes/wasi_af/wasix_abi.hpp"
#include "proto/wasm/instructions.hpp"

namespace netdiag::probes::wasi_af {

// A socket made during a walk: by a sock_open (or sock_accept) call site.
struct SocketRecord {
    std::size_t created_at = 0;  // file offset of the creating call
    std::uint32_t function_index = 0;
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
    std::uint32_t function_index = 0;  // the function holding the call instruction
    std::vector<std::uint32_t> via;    // the followed callers, outermost first
    std::vector<AbsVal> args;
    int fd_arg = -1, addr_arg = -1;        // where the fd and the input address are in args
    std::optional<std::uint32_t> socket;   // socket of the fd argument, when known
    std::optional<std::uint32_t> created;  // socket this call creates
    std::optional<AddrBytes> address;      // input address argument, when at a known address
    // The socket's state when the call ran, along the instructions walked so far.
    bool socket_was_bound = false;
    bool socket_was_listening = false;
    bool socket_had_escaped = false;
};

struct WalkFacts {
    std::uint32_t root = 0;
    std::vector<SocketRecord> sockets;
    std::vector<CallFact> calls;
    std::vector<std::string> stopped;   // "name (function N): why, at offset"
    std::set<std::uint32_t> completed;  // functions walked to their end at least once
    std::size_t steps = 0;              // instructions walked (and state slots copied)
};

// What every walk over one module shares: the module, its socket imports, the initial memory,
// which functions reach a socket call, and the decoded bodies it has followed.
class ModuleView {
public:
    ModuleView(const proto::wasm::Module& module,
               const std::vector<std::optional<SocketImportInfo>>& socket_imports,
               const std::vector<bool>& reaches_socket);

    const proto::wasm::Module& module() const { return module_; }
    const DataImage& data() const { return data_; }
    const std::optional<SocketImportInfo>* socket_import(std::uint32_t index) const;
    bool reaches_socket(std::uint32_t index) const;
    enum class Helper : std::uint8_t { none, memset, memcpy };
    Helper helper(std::uint32_t index) const;
    // The decoded body of defined function `index`; throws proto::wasm::DecodeFailure. Bodies are
    // kept for reuse up to a bound on their total size (walkers share ownership of the ones in
    // use).
    std::shared_ptr<const proto::wasm::DecodedBody> body(std::uint32_t index);
    // A function that reaches no socket call is followed (for the value it returns or the memory
    // it writes) only when it is small and has no loop: htons, getters, constant returners.
    bool is_small_helper(std::uint32_t index);

private:
    const proto::wasm::Module& module_;
    const std::vector<std::optional<SocketImportInfo>>& socket_imports_;
    const std::vector<bool>& reaches_socket_;
    DataImage data_;
    std::map<std::uint32_t, std::shared_ptr<const proto::wasm::DecodedBody>> bodies_;
    std::size_t cached_instructions_ = 0;
    std::vector<std::int8_t> small_helper_;  // -1 not yet known, 0 no, 1 yes
};

// Walks from defined function `root` (its i32 parameters are the bases of addresses).
WalkFacts walk_from(ModuleView& view, std::uint32_t root);

}  // namespace netdiag::probes::wasi_af
