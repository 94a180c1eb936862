// Turns what one walk saw into findings: wrong families and socket types,
// sockaddrs that disagree with their socket, ports in network byte order, calls out of order.
#pragma once

#include <vector>

#include "netdiag/model.hpp"
#include "probes/wasi_af/function_analysis.hpp"

namespace netdiag::probes::wasi_af {

inline constexpr const char* probe_id = "wasi-af";
inline constexpr FindingFactory make_wasm_finding{probe_id};

// Findings from what one walk saw; a call reached by several walks may be reported by each
// (the lint keeps one per check and call site).
void check_walk(const proto::wasm::Module& module, const WalkFacts& facts,
                std::vector<Finding>& out);

// The byte-swapped reading of a port is what the author meant when it is a well-known port (or a
// round number from 1000 up) and the native reading is not.
bool port_looks_byte_swapped(std::uint32_t native, std::uint32_t swapped);

}  // namespace netdiag::probes::wasi_af
