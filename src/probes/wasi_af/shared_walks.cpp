#include "probes/wasi_af/shared_walks.hpp"

#include "probes/wasi_af/control_flow.hpp"

namespace netdiag::probes::wasi_af {
namespace {

namespace op = proto::wasm::op;

// Instructions the walk models without any effect outside the function's own stack and locals
// and without a reason to stop: structure, br_if, locals, global reads, loads, constants,
// numeric operations, memory.size and memory.grow. Branches that leave code dead (br,
// br_table, return, unreachable) are left out, so the call's place is plain to see.
std::bitset<256> inert_opcodes() {
    std::bitset<256> ok;
    for (std::uint32_t code : {0x01u, op::block, op::loop, op::if_, op::else_, op::end, op::br_if,
                               op::call, op::drop, op::select, op::select_t, op::local_get,
                               op::local_set, op::local_tee, op::global_get, 0x3fu, 0x40u}) {
        ok.set(code);
    }
    for (std::uint32_t code = 0x28; code <= 0x35; ++code) ok.set(code);  // loads
    for (std::uint32_t code = 0x41; code <= 0xc4; ++code) ok.set(code);  // constants, numeric
    return ok;
}

constexpr std::uint64_t kMaxLocals = 100'000;         // the walk stops past this
constexpr std::uint64_t kMaxInstructions = 1u << 20;  // keeps the bound's arithmetic small

}  // namespace

std::optional<PassiveCall> passive_call(const proto::wasm::Module& module, std::uint32_t index,
                                        const proto::wasm::BodyOutline& outline) {
    static const std::bitset<256> inert = inert_opcodes();
    if (outline.calls.size() != 1 || !outline.labels_in_range) return std::nullopt;
    if ((outline.opcodes & ~inert).any()) return std::nullopt;
    const proto::wasm::BodyOutline::Call& c = outline.calls.front();
    // At the function's top level, followed only by the function's final `end`.
    if (c.tail || c.depth != 1 || std::uint64_t{c.at} + 2 != outline.instructions) {
        return std::nullopt;
    }
    if (c.callee < module.imported_functions) return std::nullopt;
    const proto::wasm::FuncType* callee_type = module.function_type(c.callee);
    if (callee_type == nullptr || !callee_type->params.empty()) return std::nullopt;
    const proto::wasm::FuncType* own_type = module.function_type(index);
    if (own_type == nullptr || index < module.imported_functions) return std::nullopt;
    const std::uint64_t declared = module.bodies[index - module.imported_functions].local_count;
    const std::uint64_t locals = own_type->params.size() + declared;
    if (declared > kMaxLocals || outline.locals_named > locals) return std::nullopt;
    const std::uint64_t n = outline.instructions;
    if (n > kMaxInstructions) return std::nullopt;
    // Each instruction costs one unit; a branch or `if` copies at most the stack (no deeper
    // than the instruction count) and the locals; a loop made unknown costs its length.
    return PassiveCall{c.callee, static_cast<std::size_t>(n * (2 * n + locals + 2))};
}

bool SharedWalks::covered(const PassiveCall& call) const {
    auto it = steps_by_callee_.find(call.callee);
    return it != steps_by_callee_.end() && it->second + call.work_bound <= kWalkWorkBudget;
}

void SharedWalks::record(const PassiveCall& call, const WalkFacts& facts) {
    // The walk must have entered the callee and finished it (the call was not dead code) and
    // stopped nowhere, so another caller's walk would have met exactly the same.
    if (!facts.stopped.empty() || !facts.completed.count(call.callee)) return;
    if (steps_by_callee_.count(call.callee)) return;
    steps_by_callee_.emplace(call.callee, facts.steps);
}

}  // namespace netdiag::probes::wasi_af
