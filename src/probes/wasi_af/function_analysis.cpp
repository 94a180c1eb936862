#include "probes/wasi_af/function_analysis.hpp"

#include <algorithm>
#include <utility>

#include "probes/wasi_af/control_flow.hpp"
#include "probes/wasi_af/value_ops.hpp"

namespace netdiag::probes::wasi_af {
namespace {

using proto::wasm::DecodedBody;
using proto::wasm::Instr;
namespace op = proto::wasm::op;

constexpr std::size_t kMaxCallDepth = 8;
// Functions that do not reach a socket call are followed only when small: the helpers that
// compute a port or a family (htons, getters, constant returners) are.
constexpr std::size_t kMaxHelperCode = 1024;
constexpr std::size_t kMaxFollowedCode = std::size_t{16} << 20;
constexpr std::uint64_t kMaxModelledCopy = 4096;
// Decoded bodies kept for reuse (about 32 bytes each): bounds the walk's memory on big modules.
constexpr std::size_t kMaxCachedInstructions = std::size_t{1} << 20;

struct Walk {
    ModuleView& view;
    WalkFacts& facts;
    std::size_t work = 0;
};

class Walker final : BlockWalker {
public:
    Walker(Walk& walk, std::uint32_t function, std::shared_ptr<const DecodedBody> d,
           std::vector<std::uint32_t> chain)
        : BlockWalker(walk.view.module(), *d, &walk.work),
          w_(walk),
          function_(function),
          chain_(std::move(chain)),
          decoded_(std::move(d)) {
        type_ = m_.function_type(function);
        body_ = &m_.bodies[function - m_.imported_functions];
    }

    // Walks the body from `entry` (its stack holds the arguments); returns the state at the
    // function's end with the results on the stack. Throws Stop.
    State run(State entry) {
        const std::size_t params = type_ ? type_->params.size() : 0;
        if (body_->local_count > 100'000) throw Stop{"more than 100000 locals"};
        std::vector<AbsVal> args = std::move(entry.stack);
        args.resize(params, AbsVal::unknown(Unknown::parameter));
        s_ = std::move(entry);
        s_.stack.clear();
        s_.locals = std::move(args);
        // Declared locals start at zero.
        s_.locals.resize(params + static_cast<std::size_t>(body_->local_count),
                         AbsVal::constant(0));
        Frame fn;
        fn.results = type_ ? static_cast<std::uint32_t>(type_->results.size()) : 0;
        frames_.push_back(std::move(fn));
        run_body();
        w_.facts.completed.insert(function_);
        return std::move(s_);
    }

private:
    // The socket calls and socket states as they were when a loop's unrolling began.
    struct Saved {
        std::size_t calls = 0;
        std::vector<SocketRecord> sockets;
    };
    std::size_t record_mark() override {
        saved_.push_back({w_.facts.calls.size(), w_.facts.sockets});
        return saved_.size() - 1;
    }
    void roll_back_records(std::size_t mark) override {
        if (mark >= saved_.size()) return;
        w_.facts.calls.resize(std::min(saved_[mark].calls, w_.facts.calls.size()));
        // Sockets opened since stay (their ids may still be referenced) but states go back.
        for (std::size_t k = 0; k < saved_[mark].sockets.size(); ++k) {
            w_.facts.sockets[k] = saved_[mark].sockets[k];
        }
    }

    AbsVal& local(const Instr& in) {
        if (static_cast<std::uint64_t>(in.a) >= s_.locals.size())
            stop(in, "local index out of range");
        return s_.locals[static_cast<std::size_t>(in.a)];
    }

    void escape(const AbsVal& v) {
        if (v.is_socket() && v.ref < w_.facts.sockets.size())
            w_.facts.sockets[v.ref].escaped = true;
    }

    void pop_push(std::size_t pops, std::size_t pushes, Unknown why = Unknown::computed) {
        for (std::size_t k = 0; k < pops; ++k) escape(s_.pop());
        for (std::size_t k = 0; k < pushes; ++k) s_.push(AbsVal::unknown(why));
    }

    static std::optional<MemKey> address_of(const AbsVal& base, std::uint64_t offset) {
        if (!base.is_address()) return std::nullopt;
        return mem_key(base.address_base(), base.value + static_cast<std::int64_t>(offset));
    }

    void step(const Instr& in) override {
        const std::uint32_t code = in.op;
        switch (code) {
            case op::unreachable:
                s_.reachable = false;
                return;
            case 0x01:
                return;  // nop
            case op::block:
                open(in, op::block);
                return;
            case op::loop:
                open_loop(in);
                return;
            case op::if_:
                open_if(in);
                return;
            case op::else_:
                do_else(in);
                return;
            case op::end:
                do_end();
                return;
            case op::br:
                branch_to(static_cast<std::uint64_t>(in.a), in);
                s_.reachable = false;
                return;
            case op::br_if: {
                const AbsVal cond = s_.pop();
                if (cond.is_const() && cond.value == 0) return;
                branch_to(static_cast<std::uint64_t>(in.a), in);
                if (cond.is_const()) s_.reachable = false;  // taken for sure
                return;
            }
            case op::br_table: {
                const AbsVal index = s_.pop();
                const auto first = static_cast<std::size_t>(in.a);
                if (index.is_const() && in.b > 0) {
                    // The last label is the default.
                    const std::uint64_t k = std::min<std::uint64_t>(
                        static_cast<std::uint64_t>(index.value) & 0xffffffffu, in.b - 1);
                    if (first + k < d_.labels.size()) {
                        branch_to(d_.labels[first + static_cast<std::size_t>(k)], in);
                    }
                } else {
                    for (std::size_t k = 0; k < in.b && first + k < d_.labels.size(); ++k) {
                        branch_to(d_.labels[first + k], in);
                    }
                }
                s_.reachable = false;
                return;
            }
            case op::return_:
                do_return(in);
                return;
            case op::call:
            case op::return_call:
                call(static_cast<std::uint32_t>(in.a), in);
                if (code == op::return_call) do_return(in);
                return;
            case op::call_indirect:
            case op::return_call_indirect:
            case op::call_ref:
            case op::return_call_ref: {
                const auto t = static_cast<std::size_t>(in.a);
                if (t >= m_.types.size()) stop(in, "call type out of range");
                pop_push(1 + m_.types[t].params.size(), m_.types[t].results.size(),
                         Unknown::indirect_call);
                if (code == op::return_call_indirect || code == op::return_call_ref) {
                    do_return(in);
                }
                return;
            }
            case op::drop:
                s_.pop();
                return;
            case op::select:
            case op::select_t: {
                const AbsVal cond = s_.pop();
                AbsVal b = s_.pop(), a = s_.pop();
                if (cond.is_const()) {
                    s_.push(cond.value != 0 ? a : b);
                } else {
                    s_.push(join_values(a, b));
                }
                return;
            }
            case op::local_get:
                s_.push(local(in));
                return;
            case op::local_set:
                local(in) = s_.pop();
                return;
            case op::local_tee:
                local(in) = s_.stack.empty() ? AbsVal::unknown() : s_.stack.back();
                return;
            case op::global_get:
                s_.push(s_.global(static_cast<std::uint32_t>(in.a)));
                return;
            case op::global_set: {
                const AbsVal v = s_.pop();
                escape(v);
                s_.globals[static_cast<std::uint32_t>(in.a)] = v;
                return;
            }
            case 0x25:
                pop_push(1, 1);
                return;  // table.get
            case 0x26:
                pop_push(2, 0);
                return;  // table.set
            case 0x3f:
                pop_push(0, 1);
                return;  // memory.size
            case 0x40:
                pop_push(1, 1);
                return;  // memory.grow
            case op::i32_const:
                s_.push(AbsVal::constant(static_cast<std::uint32_t>(in.a)));
                return;
            case op::i64_const:
                s_.push(AbsVal::constant(in.a));
                return;
            case 0x43:
            case 0x44:
                s_.push(AbsVal::unknown());
                return;
            case 0xd0:
            case 0xd2:
                pop_push(0, 1);
                return;  // ref.null, ref.func
            case 0xd1:
            case 0xd4:
                pop_push(1, 1);
                return;  // ref.is_null, as_non_null
            case 0xd3:
                pop_push(2, 1);
                return;  // ref.eq
            default:
                break;
        }
        if (code >= 0x28 && code <= 0x35) {  // loads
            const AbsVal base = s_.pop();
            const auto at = address_of(base, static_cast<std::uint64_t>(in.a));
            if (!at) {
                s_.push(AbsVal::unknown(base.is_unknown() ? base.why : Unknown::memory));
                return;
            }
            AbsVal v = s_.load(*at, access_width(code), w_.view.data());
            if (v.is_const()) v.value = extend_loaded(code, static_cast<std::uint64_t>(v.value));
            s_.push(v);
            return;
        }
        if (code >= 0x36 && code <= 0x3e) {  // stores
            const AbsVal value = s_.pop();
            const AbsVal base = s_.pop();
            if (const auto at = address_of(base, static_cast<std::uint64_t>(in.a))) {
                s_.store(*at, access_width(code), value);
            } else {
                escape(value);
            }
            return;
        }
        if (code >= 0x45 && code <= 0xc4) {
            if (is_unary_numeric(code)) {
                s_.push(unary_op(code, s_.pop()));
                return;
            }
            const AbsVal b = s_.pop(), a = s_.pop();
            escape(a);
            escape(b);
            s_.push(binary_op(code, a, b));
            return;
        }
        if (code >> 24 == 0xfc) {
            const std::uint32_t sub = code & 0xffffff;
            if (sub <= 7) return pop_push(1, 1);
            if (sub == 10 || sub == 11) {  // memory.copy / memory.fill
                const AbsVal n = s_.pop(), src = s_.pop(), dst = s_.pop();
                fill_or_copy(sub == 11 ? ModuleView::Helper::memset : ModuleView::Helper::memcpy,
                             dst, src, n);
                return;
            }
            if (sub == 8) {  // memory.init: bytes of a passive segment
                s_.forget_memory(Unknown::memory);
                return pop_push(3, 0);
            }
            if (sub == 9 || sub == 13) return;
            if (sub == 12 || sub == 14 || sub == 17) return pop_push(3, 0);
            if (sub == 15) return pop_push(2, 1);
            if (sub == 16) return pop_push(0, 1);
        }
        stop(in, "instruction 0x" + hex_code(code) + " is not modelled");
    }

    // memset(dst, byte, n) and memcpy/memmove(dst, src, n) with a known destination and size.
    void fill_or_copy(ModuleView::Helper kind, const AbsVal& dst, const AbsVal& src_or_byte,
                      const AbsVal& n) {
        const auto to = address_of(dst, 0);
        if (!to) return;  // like any store through an unknown address
        if (!n.is_const() || static_cast<std::uint64_t>(n.value) > kMaxModelledCopy) {
            s_.forget_memory(Unknown::memory);
            return;
        }
        const auto count = static_cast<std::uint64_t>(n.value);
        if (kind == ModuleView::Helper::memset) {
            const AbsVal byte = src_or_byte.is_const() ? AbsVal::constant(src_or_byte.value & 0xff)
                                                       : AbsVal::unknown(Unknown::computed);
            for (std::uint64_t k = 0; k < count; ++k) s_.store(key_plus(*to, k), 1, byte);
            return;
        }
        const auto from = address_of(src_or_byte, 0);
        std::vector<AbsVal> bytes;
        bytes.reserve(count);
        for (std::uint64_t k = 0; k < count; ++k) {
            bytes.push_back(from ? s_.load(key_plus(*from, k), 1, w_.view.data())
                                 : AbsVal::unknown(Unknown::memory));
        }
        for (std::uint64_t k = 0; k < count; ++k) s_.store(key_plus(*to, k), 1, bytes[k]);
    }

    bool follow(std::uint32_t index) const {
        if (chain_.size() + 1 >= kMaxCallDepth) return false;
        if (index == function_ || std::find(chain_.begin(), chain_.end(), index) != chain_.end())
            return false;  // recursion
        const std::size_t code = m_.bodies[index - m_.imported_functions].code.size();
        if (w_.view.reaches_socket(index)) return code <= kMaxFollowedCode;
        return w_.view.is_small_helper(index);
    }

    void call(std::uint32_t index, const Instr& in) {
        const proto::wasm::FuncType* t = m_.function_type(index);
        if (t == nullptr) stop(in, "call to a function without a type");
        const std::size_t n = t->params.size(), results = t->results.size();
        std::vector<AbsVal> args(n);
        for (std::size_t k = n; k > 0; --k) args[k - 1] = s_.pop();
        const ModuleView::Helper helper = w_.view.helper(index);
        if (helper != ModuleView::Helper::none && n == 3) {
            fill_or_copy(helper, args[0], args[1], args[2]);
            for (std::size_t k = 0; k < results; ++k) s_.push(k == 0 ? args[0] : AbsVal{});
            return;
        }
        if (index < m_.imported_functions) {
            const std::optional<SocketImportInfo>* info = w_.view.socket_import(index);
            const bool socket = info && info->has_value();
            if (socket && (*info)->call != SocketCall::other && (*info)->params == n) {
                socket_call(**info, index, std::move(args), in);
            } else if (!socket) {
                // Code the walk does not follow may keep the fd (and bind it, for instance).
                for (const AbsVal& a : args) escape(a);
            }
            for (std::size_t k = 0; k < results; ++k)
                s_.push(AbsVal::unknown(Unknown::import_call));
            return;
        }
        if (!follow(index)) {
            for (const AbsVal& a : args) escape(a);
            for (std::size_t k = 0; k < results; ++k) {
                s_.push(AbsVal::unknown(Unknown::call_not_followed));
            }
            return;
        }
        follow_call(index, std::move(args), results, in);
    }

    void follow_call(std::uint32_t index, std::vector<AbsVal> args, std::size_t results,
                     const Instr& in) {
        State entry = s_;
        entry.stack = std::move(args);
        entry.locals.clear();
        std::vector<std::uint32_t> chain = chain_;
        chain.push_back(function_);
        try {
            Walker callee(w_, index, w_.view.body(index), std::move(chain));
            State exit = callee.run(std::move(entry));
            std::vector<AbsVal> out(results, AbsVal::unknown());
            for (std::size_t k = 0; k < results && k < exit.stack.size(); ++k) {
                out[k] = exit.stack[exit.stack.size() - results + k];
            }
            exit.stack = std::move(s_.stack);
            exit.locals = std::move(s_.locals);
            s_ = std::move(exit);
            for (AbsVal& v : out) s_.push(v);
            return;
        } catch (const Stop& stop) {
            w_.facts.stopped.push_back(m_.function_display_name(index) + " (function " +
                                       std::to_string(index) + "): stopped: " + stop.why);
        } catch (const proto::wasm::DecodeFailure&) {
            // The lint reports broken bodies on its own; the call is simply not followed.
        }
        spend(1, in);
        for (std::size_t k = 0; k < results; ++k) {
            s_.push(AbsVal::unknown(Unknown::call_not_followed));
        }
    }

    void socket_call(const SocketImportInfo& info, std::uint32_t index, std::vector<AbsVal> args,
                     const Instr& in) {
        CallFact fact;
        fact.call = info.call;
        if (const proto::wasm::Import* imp = m_.function_import(index)) fact.field = imp->field;
        fact.offset = in.offset;
        fact.function_index = function_;
        fact.via = chain_;
        fact.fd_arg = info.fd_arg;
        fact.addr_arg = info.addr_arg;
        auto& sockets = w_.facts.sockets;
        if (info.fd_arg >= 0) {
            const AbsVal& fd = args[static_cast<std::size_t>(info.fd_arg)];
            if (fd.is_socket() && fd.ref < sockets.size()) {
                SocketRecord& s = sockets[fd.ref];
                fact.socket = fd.ref;
                fact.socket_was_bound = s.bound;
                fact.socket_was_listening = s.listening;
                fact.socket_had_escaped = s.escaped;
                if (info.call == SocketCall::bind) s.bound = true;
                if (info.call == SocketCall::listen) s.listening = true;
            }
        }
        if (info.addr_arg >= 0) {
            const AbsVal& a = args[static_cast<std::size_t>(info.addr_arg)];
            if (a.is_address()) fact.address = read_address(s_, w_.view.data(), a);
        }
        if (info.ret_fd_arg >= 0) {
            const AbsVal& where = args[static_cast<std::size_t>(info.ret_fd_arg)];
            SocketRecord record;
            record.created_at = in.offset;
            record.function_index = function_;
            record.created_by = info.call;
            if (info.call == SocketCall::open) {
                record.family = args[0];
                record.type = args[1];
                record.protocol = args[2];
            } else {
                record.bound = true;  // an accepted connection is already bound and connected
            }
            const auto id = static_cast<std::uint32_t>(sockets.size());
            sockets.push_back(record);
            fact.created = id;
            // The runtime writes the new fd (a u32) at ret_fd_ptr.
            if (const auto at = address_of(where, 0)) s_.store(*at, 4, AbsVal::fd(id));
        }
        fact.args = std::move(args);
        w_.facts.calls.push_back(std::move(fact));
    }

    Walk& w_;
    std::uint32_t function_;
    std::vector<std::uint32_t> chain_;
    std::shared_ptr<const DecodedBody> decoded_;  // keeps d_ alive while the walk runs
    std::vector<Saved> saved_;
    const proto::wasm::FunctionBody* body_ = nullptr;
    const proto::wasm::FuncType* type_ = nullptr;
};

ModuleView::Helper helper_by_name(const std::string& name) {
    if (name == "memset") return ModuleView::Helper::memset;
    if (name == "memcpy" || name == "memmove") return ModuleView::Helper::memcpy;
    return ModuleView::Helper::none;
}

}  // namespace

ModuleView::ModuleView(const proto::wasm::Module& module,
                       const std::vector<std::optional<SocketImportInfo>>& socket_imports,
                       const std::vector<bool>& reaches_socket)
    : module_(module),
      socket_imports_(socket_imports),
      reaches_socket_(reaches_socket),
      data_(module) {}

const std::optional<SocketImportInfo>* ModuleView::socket_import(std::uint32_t index) const {
    return index < socket_imports_.size() ? &socket_imports_[index] : nullptr;
}

bool ModuleView::reaches_socket(std::uint32_t index) const {
    return index < reaches_socket_.size() && reaches_socket_[index];
}

ModuleView::Helper ModuleView::helper(std::uint32_t index) const {
    if (const proto::wasm::Import* imp = module_.function_import(index))
        return helper_by_name(imp->field);
    if (index < module_.function_names.size()) return helper_by_name(module_.function_names[index]);
    return Helper::none;
}

std::shared_ptr<const proto::wasm::DecodedBody> ModuleView::body(std::uint32_t index) {
    auto it = bodies_.find(index);
    if (it != bodies_.end()) return it->second;
    auto decoded = std::make_shared<proto::wasm::DecodedBody>();
    proto::wasm::decode_body(module_, module_.bodies[index - module_.imported_functions], *decoded);
    if (cached_instructions_ + decoded->instrs.size() > kMaxCachedInstructions) {
        bodies_.clear();  // the walkers still using a body keep their own share of it
        cached_instructions_ = 0;
    }
    cached_instructions_ += decoded->instrs.size();
    bodies_.emplace(index, decoded);
    return decoded;
}

bool ModuleView::is_small_helper(std::uint32_t index) {
    if (index < module_.imported_functions || index >= module_.function_count()) return false;
    if (small_helper_.empty()) small_helper_.assign(module_.function_count(), -1);
    std::int8_t& known = small_helper_[index];
    if (known < 0) {
        known = 0;
        if (module_.bodies[index - module_.imported_functions].code.size() <= kMaxHelperCode) {
            const auto decoded = body(index);
            known = std::none_of(decoded->instrs.begin(), decoded->instrs.end(),
                                 [](const proto::wasm::Instr& in) { return in.op == op::loop; })
                        ? 1
                        : 0;
        }
    }
    return known == 1;
}

WalkFacts walk_from(ModuleView& view, std::uint32_t root) {
    WalkFacts facts;
    facts.root = root;
    Walk walk{view, facts};
    const proto::wasm::Module& m = view.module();
    try {
        std::shared_ptr<const DecodedBody> body = view.body(root);
        State entry;
        if (const proto::wasm::FuncType* t = m.function_type(root)) {
            // The root's i32 parameters are bases: a structure it is handed by pointer is read
            // and written consistently, while its contents stay unknown.
            for (std::size_t p = 0; p < t->params.size(); ++p) {
                entry.stack.push_back(
                    t->params[p] == proto::wasm::ValType::i32
                        ? AbsVal::pointer(kBaseParamTag | static_cast<std::uint32_t>(p), 0)
                        : AbsVal::unknown(Unknown::parameter));
            }
        }
        Walker walker(walk, root, body, {});
        (void)walker.run(std::move(entry));
    } catch (const Stop& stop) {
        facts.stopped.push_back(m.function_display_name(root) + " (function " +
                                std::to_string(root) + "): stopped: " + stop.why);
    } catch (const proto::wasm::DecodeFailure&) {
        // Reported by the lint, which decodes every body before walking.
    }
    facts.steps = walk.work;
    return facts;
}

}  // namespace netdiag::probes::wasi_af
