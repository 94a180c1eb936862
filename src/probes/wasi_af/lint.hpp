// The wasi-af lint over one parsed module: finds the socket imports, decodes every function
// body (checking it), walks the ones that call socket functions and collects findings.
// Pure: no I/O, so tests and the fuzz target drive it directly.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "netdiag/model.hpp"
#include "probes/wasi_af/coverage.hpp"
#include "proto/wasm/module.hpp"

namespace netdiag::probes::wasi_af {

struct LintResult {
    std::vector<Finding> findings;          // docs paths are left for the caller to fill
    std::size_t functions = 0;              // defined functions decoded
    std::size_t socket_imports = 0;         // imported sock_* functions
    std::size_t socket_functions = 0;       // functions that call one
    std::size_t socket_calls = 0;           // socket call sites in the module
    std::size_t walks = 0;                  // walks started (one per root function)
    std::size_t walks_shared = 0;           // roots not walked: an earlier walk stands for them
    std::size_t functions_followed = 0;     // functions the walks went through
    std::size_t instructions = 0;           // steps the walks took (instructions and copies)
    CoverageTally coverage;                 // which socket calls were judged
    std::vector<std::string> not_analysed;  // "serve (function 3): stopped at ..."
    bool cancelled = false;
};

// `cancelled` is polled between functions; when it returns true the lint stops early.
LintResult lint_module(const proto::wasm::Module& module,
                       const std::function<bool()>& cancelled = {});

// The finding for a module that could not be read: error for malformed input, warning for
// valid input netdiag does not support or limits it refuses.
Finding unreadable_module_finding(const proto::DecodeError& error);

}  // namespace netdiag::probes::wasi_af
