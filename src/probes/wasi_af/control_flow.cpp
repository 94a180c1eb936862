#include "probes/wasi_af/control_flow.hpp"

namespace netdiag::probes::wasi_af {
namespace {
constexpr std::uint32_t kMaxUnrolledIterations = 64;
constexpr std::size_t kMaxUnrolledBody = 4096;  // instructions in a loop the walk unrolls
}  // namespace

using proto::wasm::Instr;
namespace op = proto::wasm::op;

void BlockWalker::stop(const Instr& in, const std::string& what) {
    throw Stop{what + " at offset " + proto::wasm::hex_offset(in.offset)};
}

void BlockWalker::spend(std::size_t units, const Instr& in) {
    *work_ += units;
    if (*work_ > kWalkWorkBudget) stop(in, "work budget exceeded");
}

void BlockWalker::run_body() {
    while (pc_ < d_.instrs.size() && !frames_.empty()) {
        const Instr& in = d_.instrs[pc_];
        spend(1, in);
        jumped_ = false;
        if (!s_.reachable) {
            pc_ = skip_dead(pc_);
        } else {
            step(in);
        }
        if (!jumped_) ++pc_;
    }
}

std::size_t BlockWalker::skip_dead(std::size_t i) {
    const Instr& in = d_.instrs[i];
    switch (in.op) {
        case op::block:
        case op::loop:
        case op::if_:
        case op::try_:
        case op::try_table:
            return in.match != proto::wasm::kNoIndex ? in.match : d_.instrs.size();
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
    if (in.a == proto::wasm::kBlockEmpty) return {0, 0};
    if (in.a == proto::wasm::kBlockOneValue) return {0, 1};
    const auto& t = m_.types[static_cast<std::size_t>(in.a)];
    return {static_cast<std::uint32_t>(t.params.size()),
            static_cast<std::uint32_t>(t.results.size())};
}

void BlockWalker::open(const Instr& in, std::uint32_t kind) {
    auto [params, results] = block_arity(in);
    Frame f;
    f.op = kind;
    f.height = s_.stack.size() >= params ? s_.stack.size() - params : 0;
    f.params = params;
    f.results = results;
    frames_.push_back(std::move(f));
}

// The state a branch carries: the stack below the block plus the values the target takes.
State BlockWalker::carried(const Frame& f, std::uint32_t values) const {
    State out = s_;
    const std::size_t have = out.stack.size();
    std::vector<AbsVal> top;
    for (std::uint32_t k = 0; k < values; ++k) {
        top.push_back(have >= values ? out.stack[have - values + k] : AbsVal::unknown());
    }
    out.stack.resize(std::min(f.height, have), AbsVal::unknown());
    out.stack.resize(f.height, AbsVal::unknown());
    out.stack.insert(out.stack.end(), top.begin(), top.end());
    return out;
}

void BlockWalker::branch_to(std::uint64_t depth, const Instr& in) {
    if (!s_.reachable) return;
    if (depth >= frames_.size()) stop(in, "branch depth out of range");
    const std::size_t index = frames_.size() - 1 - static_cast<std::size_t>(depth);
    Frame& f = frames_[index];
    if (f.op == op::loop) {
        if (!f.unrolling) return;  // what the loop writes is unknown in it already
        // The next iteration starts from the join of the states that branch back.
        State next = carried(f, f.params);
        if (f.has_next) {
            f.next.join(next);
        } else {
            f.next = std::move(next);
            f.has_next = true;
        }
        return;
    }
    spend(s_.size(), in);
    State out = carried(f, f.results);
    if (f.has_exit) {
        f.exit.join(out);
    } else {
        f.exit = std::move(out);
        f.has_exit = true;
    }
}

void BlockWalker::do_return(const Instr& in) {
    branch_to(frames_.size() - 1, in);
    s_.reachable = false;
}

void BlockWalker::do_else(const Instr& in) {
    if (frames_.empty() || !frames_.back().is_if) stop(in, "`else` outside `if`");
    Frame& f = frames_.back();
    branch_to(0, in);  // the then-branch falls through to the end
    f.saw_else = true;
    s_ = std::move(f.else_state);
}

void BlockWalker::do_end() {
    if (frames_.back().op == op::loop && frames_.back().unrolling) {
        if (end_of_unrolled_iteration()) return;
    }
    Frame f = std::move(frames_.back());
    frames_.pop_back();
    State merged = s_.reachable ? carried(f, f.results) : std::move(s_);
    if (f.is_if && !f.saw_else) merged.join(f.else_state);
    if (f.has_exit) merged.join(f.exit);
    s_ = std::move(merged);
    if (s_.stack.size() < f.height + f.results) s_.stack.resize(f.height + f.results);
}

// At the `end` of a loop being unrolled: when some path branched back, the fall-through state
// waits at the loop's exit and the walk runs the body again from the joined back-edge states.
// Returns false when no path branched back: the loop is done and `end` closes it as a block.
bool BlockWalker::end_of_unrolled_iteration() {
    const std::size_t index = frames_.size() - 1;
    Frame& f = frames_[index];
    if (!f.has_next) return false;
    if (++f.iterations > kMaxUnrolledIterations) {
        abandon_unroll(index);
        return true;
    }
    if (s_.reachable) {
        State fall = carried(f, f.results);
        if (f.has_exit) {
            f.exit.join(fall);
        } else {
            f.exit = std::move(fall);
            f.has_exit = true;
        }
    }
    s_ = std::move(f.next);
    f.has_next = false;
    pc_ = f.start + 1;
    jumped_ = true;
    return true;
}

void BlockWalker::open_if(const Instr& in) {
    const AbsVal cond = s_.pop();
    open(in, op::if_);
    Frame& f = frames_.back();
    f.is_if = true;
    spend(s_.size(), in);
    f.else_state = s_;
    if (cond.is_const()) {
        // Only one arm runs.
        if (cond.value != 0) {
            f.else_state.reachable = false;
        } else {
            s_.reachable = false;
        }
    }
}

// Whether a loop is worth unrolling: one that calls functions or writes memory may open sockets
// or build addresses; one that only updates locals (a counting loop) is cheaper to make unknown.
bool BlockWalker::loop_has_effects(const Instr& in) const {
    const std::size_t end = in.match != proto::wasm::kNoIndex ? in.match : d_.instrs.size();
    for (std::size_t k = pc_ + 1; k < end; ++k) {
        const std::uint32_t x = d_.instrs[k].op;
        if ((x >= 0x36 && x <= 0x3e) || x == op::call || x == op::call_indirect ||
            x == op::call_ref || x == proto::wasm::prefixed(0xfc, 10) ||
            x == proto::wasm::prefixed(0xfc, 11)) {
            return true;
        }
    }
    return false;
}

void BlockWalker::open_loop(const Instr& in) {
    const std::size_t end = in.match != proto::wasm::kNoIndex ? in.match : d_.instrs.size();
    if (havoc_at_ == pc_ || end - pc_ > kMaxUnrolledBody || !loop_has_effects(in)) {
        havoc_at_ = SIZE_MAX;
        havoc_loop(in);
        open(in, op::loop);
        frames_.back().start = pc_;
        return;
    }
    auto snapshot = std::make_shared<UnrollSnapshot>();
    snapshot->state = s_;
    snapshot->frames = frames_.size();
    snapshot->records = record_mark();
    open(in, op::loop);
    Frame& f = frames_.back();
    f.start = pc_;
    f.unrolling = true;
    f.snapshot = std::move(snapshot);
}

// Back to the loop's entry, forgetting what the abandoned iterations recorded; the loop is then
// walked once with what it writes unknown.
void BlockWalker::abandon_unroll(std::size_t frame_index) {
    std::shared_ptr<UnrollSnapshot> snap = frames_[frame_index].snapshot;
    const std::size_t start = frames_[frame_index].start;
    roll_back_records(snap->records);
    s_ = std::move(snap->state);
    frames_.resize(snap->frames);
    pc_ = start;
    havoc_at_ = start;
    jumped_ = true;
}

// A loop may run its body many times: whatever it writes is unknown inside it.
void BlockWalker::havoc_loop(const Instr& in) {
    const std::size_t end = in.match != proto::wasm::kNoIndex ? in.match : d_.instrs.size();
    spend(end - pc_, in);
    bool writes_memory = false;
    for (std::size_t k = pc_ + 1; k < end; ++k) {
        const Instr& x = d_.instrs[k];
        if ((x.op == op::local_set || x.op == op::local_tee) &&
            static_cast<std::uint64_t>(x.a) < s_.locals.size()) {
            s_.locals[static_cast<std::size_t>(x.a)] = AbsVal::unknown(Unknown::loop);
        }
        if (x.op == op::global_set) {
            s_.globals[static_cast<std::uint32_t>(x.a)] = AbsVal::unknown(Unknown::loop);
        }
        if ((x.op >= 0x36 && x.op <= 0x3e) || x.op == op::call || x.op == op::call_indirect ||
            x.op == op::call_ref || x.op == proto::wasm::prefixed(0xfc, 8) ||
            x.op == proto::wasm::prefixed(0xfc, 10) || x.op == proto::wasm::prefixed(0xfc, 11)) {
            writes_memory = true;
        }
    }
    if (writes_memory) s_.forget_memory(Unknown::loop);
}

}  // namespace netdiag::probes::wasi_af
