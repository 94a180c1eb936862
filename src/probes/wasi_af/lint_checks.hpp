// Turns what the walk saw in one function into findings: wrong families and socket types,
// sockaddrs that disagree with their socket, ports in network byte order, calls out of order.
#pragma once

#include <vector>

#include "netdiag/model.hpp"
#include "probes/wasi_af/function_analysis.hpp"

namespace netdiag::wasi_af {

inline constexpr const char* probe_id = "wasi-af";

void check_function(const wasm::Module& module, const FunctionFacts& facts,
                    std::vector<Finding>& out);

// The byte-swapped reading of a port is what the author meant when it is a well-known port (or a
// round number from 1000 up) and the native reading is not.
bool port_looks_byte_swapped(std::uint32_t native, std::uint32_t swapped);

}  // namespace netdiag::wasi_af
