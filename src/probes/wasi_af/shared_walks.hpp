// Roots whose walk would repeat an earlier one. A root that only calls one function, passing no
// arguments, after code that cannot change what that function sees (no stores, no global writes,
// no other call) and before nothing but its own `end`, hands that function the module's initial
// state: every such caller of the same function gets the same socket calls with the same values,
// only the `called_from` chain differs. The first one is walked; the others are not, once that
// walk is known to have reached the call and run to its end. Findings are reported once per call
// site anyway, with the chain of the first walk, so the report is the same.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "probes/wasi_af/function_analysis.hpp"
#include "proto/wasm/instructions.hpp"

namespace netdiag::probes::wasi_af {

// The one call of a root of that shape, and how much work its walk spends at most before and
// after the call (the instructions and the state copies of its branches).
struct PassiveCall {
    std::uint32_t callee = 0;
    std::size_t work_bound = 0;
};

// Whether defined function `index`, outlined as `outline`, has that shape.
std::optional<PassiveCall> passive_call(const proto::wasm::Module& module, std::uint32_t index,
                                        const proto::wasm::BodyOutline& outline);

class SharedWalks {
public:
    // True when an earlier walk stands for this root's: a caller of the same function whose walk
    // reached it, with room left in the work budget for this root's own instructions.
    bool covered(const PassiveCall& call) const;
    // Notes the walk of a root with a passive call.
    void record(const PassiveCall& call, const WalkFacts& facts);

private:
    std::unordered_map<std::uint32_t, std::size_t> steps_by_callee_;  // of the walk that stands
};

}  // namespace netdiag::probes::wasi_af
