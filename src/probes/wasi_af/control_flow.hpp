// The control-flow half of the abstract machine: blocks, if/else, branches and loops over a
// decoded function body. A branch carries the current state (its stack cut to the target's
// values) to its target block, where states join. A branch whose condition is a known constant
// goes one way only. A loop is unrolled: each iteration starts from the join of the states that
// branched back in the previous one, until no path branches back (a counted loop over constants
// ends; a loop whose exit depends on an unknown value runs as long as its paths agree). A loop
// that runs too long is walked again from its entry with whatever it writes made unknown (no
// fixpoint needed). Dead code is skipped block by block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "probes/wasi_af/abstract_state.hpp"
#include "proto/wasm/instructions.hpp"

namespace netdiag::probes::wasi_af {

// Work bound per walk (instructions walked plus state slots copied at branches).
inline constexpr std::size_t kWalkWorkBudget = 20'000'000;

// What a walk must restore when it abandons the unrolling of a loop; the walker that owns the
// records says how (the socket calls seen so far, for instance).
struct UnrollSnapshot {
    State state;
    std::size_t frames = 0;
    std::size_t records = 0;
};

struct Frame {
    std::uint32_t op = proto::wasm::op::block;
    std::size_t height = 0;    // stack height below the block's parameters
    std::uint32_t params = 0;  // values a branch to a loop carries
    std::uint32_t results = 0;
    bool has_exit = false;
    State exit;  // join of the states that branch to the block's end
    bool is_if = false;
    bool saw_else = false;
    State else_state;  // for `if`: the state on entry, for the else branch
    // Loops: where the loop starts, and the unrolling under way.
    std::size_t start = 0;
    bool unrolling = false;
    std::uint32_t iterations = 0;
    bool has_next = false;
    State next;  // join of the states that branch back to the loop in this iteration
    std::shared_ptr<UnrollSnapshot> snapshot;
};

// Thrown to end a walk early; `why` names the instruction and offset.
struct Stop {
    std::string why;
};

class BlockWalker {
protected:
    BlockWalker(const proto::wasm::Module& m, const proto::wasm::DecodedBody& d, std::size_t* work)
        : m_(m), d_(d), work_(work) {}
    virtual ~BlockWalker() = default;

    // Runs the body from the first instruction until the function's frame closes.
    void run_body();
    virtual void step(const proto::wasm::Instr& in) = 0;
    // The walker's records (socket calls seen) to keep or roll back with an abandoned unroll.
    virtual std::size_t record_mark() = 0;
    virtual void roll_back_records(std::size_t mark) = 0;

    [[noreturn]] void stop(const proto::wasm::Instr& in, const std::string& what);
    // Work bound per walk (instructions walked plus state slots copied at branches), shared by
    // the functions a walk follows, so a hostile body cannot make the walk quadratic.
    void spend(std::size_t units, const proto::wasm::Instr& in);
    void open(const proto::wasm::Instr& in, std::uint32_t kind);
    void open_if(const proto::wasm::Instr& in);
    void open_loop(const proto::wasm::Instr& in);
    // Carries the current state to the target; the caller decides whether the path goes on.
    void branch_to(std::uint64_t depth, const proto::wasm::Instr& in);
    void do_return(const proto::wasm::Instr& in);
    void do_else(const proto::wasm::Instr& in);
    void do_end();

    const proto::wasm::Module& m_;
    const proto::wasm::DecodedBody& d_;
    State s_;
    std::vector<Frame> frames_;
    std::size_t pc_ = 0;
    bool jumped_ = false;  // pc_ was set by a branch; do not advance

private:
    std::pair<std::uint32_t, std::uint32_t> block_arity(const proto::wasm::Instr& in) const;
    std::size_t skip_dead(std::size_t i);
    State carried(const Frame& f, std::uint32_t values) const;
    void havoc_loop(const proto::wasm::Instr& in);
    bool loop_has_effects(const proto::wasm::Instr& in) const;
    void abandon_unroll(std::size_t frame_index);
    bool end_of_unrolled_iteration();
    std::size_t* work_;
    std::size_t havoc_at_ = SIZE_MAX;  // a loop to enter without unrolling, after an abandon
};

}  // namespace netdiag::probes::wasi_af
