#include "probes/wasi_af/control_flow.hpp"

namespace netdiag::wasi_af {
namespace {
constexpr std::size_t work_budget = 50'000'000;
}  // namespace

using wasm::Instr;
namespace op = wasm::op;

void BlockWalker::stop(const Instr& in, const std::string& what) {
    throw Stop{what + " at offset " + wasm::hex_offset(in.offset)};
}

void BlockWalker::spend(std::size_t units, const Instr& in) {
    work_ += units;
    if (work_ > work_budget) stop(in, "work budget exceeded");
}

std::size_t BlockWalker::skip_dead(std::size_t i) {
    const Instr& in = d_.instrs[i];
    switch (in.op) {
        case op::block:
        case op::loop:
        case op::if_:
        case op::try_:
        case op::try_table:
            return in.match != wasm::no_index ? in.match : d_.instrs.size();
        case op::else_:
            do_else(in);
            return i;
        case op::end:
            do_end();
            return i;
        default:
            return i;
    }
}

std::pair<std::uint32_t, std::uint32_t> BlockWalker::block_arity(const Instr& in) const {
    if (in.a == wasm::block_empty) return {0, 0};
    if (in.a == wasm::block_one_value) return {0, 1};
    const auto& t = m_.types[static_cast<std::size_t>(in.a)];
    return {static_cast<std::uint32_t>(t.params.size()),
            static_cast<std::uint32_t>(t.results.size())};
}

void BlockWalker::open(const Instr& in, std::uint32_t kind) {
    auto [params, results] = block_arity(in);
    Frame f;
    f.op = kind;
    f.height = s_.stack.size() >= params ? s_.stack.size() - params : 0;
    f.results = results;
    frames_.push_back(std::move(f));
}

void BlockWalker::branch_to(std::uint64_t depth, const Instr& in) {
    if (depth >= frames_.size()) stop(in, "branch depth out of range");
    Frame& f = frames_[frames_.size() - 1 - static_cast<std::size_t>(depth)];
    if (f.op == op::loop) return;  // back edge: locals written in the loop are unknown already
    spend(s_.size(), in);
    if (f.has_exit) {
        f.exit.join(s_);
    } else {
        f.exit = s_;
        f.has_exit = true;
    }
}

void BlockWalker::do_else(const Instr& in) {
    if (frames_.empty() || !frames_.back().is_if) stop(in, "`else` outside `if`");
    Frame& f = frames_.back();
    branch_to(0, in);  // the then-branch falls through to the end
    f.saw_else = true;
    s_ = std::move(f.else_state);
}

void BlockWalker::do_end() {
    Frame f = std::move(frames_.back());
    frames_.pop_back();
    State merged = std::move(s_);
    if (f.is_if && !f.saw_else) merged.join(f.else_state);
    if (f.has_exit) merged.join(f.exit);
    s_ = std::move(merged);
    // The block leaves its results on top of the stack it started with.
    s_.stack.resize(f.height, AbsVal::unknown());
    for (std::uint32_t k = 0; k < f.results; ++k) s_.push(AbsVal::unknown());
}

// A loop may run its body many times: whatever it writes is unknown inside it.
void BlockWalker::enter_loop(std::size_t i, const Instr& in) {
    const std::size_t end = in.match != wasm::no_index ? in.match : d_.instrs.size();
    spend(end - i, in);
    bool writes_memory = false;
    for (std::size_t k = i + 1; k < end; ++k) {
        const Instr& x = d_.instrs[k];
        if ((x.op == op::local_set || x.op == op::local_tee) &&
            static_cast<std::uint64_t>(x.a) < s_.locals.size()) {
            s_.locals[static_cast<std::size_t>(x.a)] = AbsVal::unknown();
        }
        if ((x.op >= 0x36 && x.op <= 0x3e) || x.op == op::call || x.op == op::call_indirect ||
            x.op == op::call_ref || x.op == wasm::prefixed(0xfc, 8) ||
            x.op == wasm::prefixed(0xfc, 10) || x.op == wasm::prefixed(0xfc, 11)) {
            writes_memory = true;
        }
    }
    if (writes_memory) s_.memory.clear();
}

void BlockWalker::open_if(const Instr& in) {
    s_.pop();  // the condition
    open(in, op::if_);
    Frame& f = frames_.back();
    f.is_if = true;
    spend(s_.size(), in);
    f.else_state = s_;
}

}  // namespace netdiag::wasi_af
