// The control-flow half of the abstract machine: blocks, if/else, branches and loops over a
// decoded function body. A branch carries the current state to its target block, where states
// join; a loop makes everything written inside it unknown on entry (no fixpoint needed); dead
// code after br/return/unreachable is skipped block by block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "probes/wasi_af/abstract_state.hpp"
#include "proto/wasm/instructions.hpp"

namespace netdiag::wasi_af {

struct Frame {
    std::uint32_t op = wasm::op::block;
    std::size_t height = 0;  // stack height below the block's parameters
    std::uint32_t results = 0;
    bool has_exit = false;
    State exit;  // join of the states that branch to the block's end
    bool is_if = false;
    bool saw_else = false;
    State else_state;  // for `if`: the state on entry, for the else branch
};

// Thrown to end a walk early; `why` names the instruction and offset.
struct Stop {
    std::string why;
};

class BlockWalker {
protected:
    BlockWalker(const wasm::Module& m, const wasm::DecodedBody& d) : m_(m), d_(d) {}

    [[noreturn]] void stop(const wasm::Instr& in, const std::string& what);
    // Work bound per function (instructions walked plus state slots copied at branches), so a
    // hostile body cannot make the walk quadratic without limit.
    void spend(std::size_t units, const wasm::Instr& in);
    // In dead code only the block structure matters: nested blocks are skipped whole. Returns
    // the index of the last instruction consumed.
    std::size_t skip_dead(std::size_t i);
    void open(const wasm::Instr& in, std::uint32_t kind);
    void open_if(const wasm::Instr& in);
    void branch_to(std::uint64_t depth, const wasm::Instr& in);
    void do_else(const wasm::Instr& in);
    void do_end();
    void enter_loop(std::size_t i, const wasm::Instr& in);

    const wasm::Module& m_;
    const wasm::DecodedBody& d_;
    State s_;
    std::vector<Frame> frames_;

private:
    std::pair<std::uint32_t, std::uint32_t> block_arity(const wasm::Instr& in) const;
    std::size_t work_ = 0;
};

}  // namespace netdiag::wasi_af
