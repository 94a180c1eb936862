#include "probes/wasi_af/function_analysis.hpp"

#include "probes/wasi_af/control_flow.hpp"
#include "probes/wasi_af/value_ops.hpp"

#include <algorithm>
#include <utility>

namespace netdiag::wasi_af {
namespace {

using wasm::DecodedBody;
using wasm::Instr;
namespace op = wasm::op;

class Walker : BlockWalker {
public:
    Walker(const wasm::Module& m, std::uint32_t body_index, const DecodedBody& d,
           const std::vector<std::optional<SocketImportInfo>>& imports, const DataImage& data)
        : BlockWalker(m, d), imports_(imports), data_(data) {
        facts_.function_index = m.imported_functions + body_index;
        body_ = &m.bodies[body_index];
        type_ = m.function_type(facts_.function_index);
    }

    FunctionFacts run() {
        try {
            walk();
        } catch (const Stop& stop) {
            facts_.stopped = stop.why;
        }
        return std::move(facts_);
    }

private:
    void walk() {
        const std::size_t params = type_ ? type_->params.size() : 0;
        if (body_->local_count > 100'000) {
            throw Stop{"more than 100000 locals"};
        }
        s_.locals.assign(params + static_cast<std::size_t>(body_->local_count), AbsVal::unknown());
        // Declared locals start at zero; parameters are unknown.
        for (std::size_t i = params; i < s_.locals.size(); ++i) s_.locals[i] = AbsVal::constant(0);
        Frame fn;
        fn.results = type_ ? static_cast<std::uint32_t>(type_->results.size()) : 0;
        frames_.push_back(std::move(fn));
        for (std::size_t i = 0; i < d_.instrs.size() && !frames_.empty(); ++i) {
            const Instr& in = d_.instrs[i];
            spend(1, in);
            if (!s_.reachable) {
                i = skip_dead(i);
                continue;
            }
            step(i, in);
        }
    }

    AbsVal& local(const Instr& in) {
        if (static_cast<std::uint64_t>(in.a) >= s_.locals.size())
            stop(in, "local index out of range");
        return s_.locals[static_cast<std::size_t>(in.a)];
    }

    void escape(const AbsVal& v) {
        if (v.is_socket() && v.socket < facts_.sockets.size())
            facts_.sockets[v.socket].escaped = true;
    }

    void pop_push(std::size_t pops, std::size_t pushes) {
        for (std::size_t k = 0; k < pops; ++k) escape(s_.pop());
        for (std::size_t k = 0; k < pushes; ++k) s_.push(AbsVal::unknown());
    }

    std::optional<std::uint64_t> effective_address(const AbsVal& base, const Instr& in) {
        if (!base.is_const()) return std::nullopt;
        return static_cast<std::uint64_t>(base.value) + static_cast<std::uint64_t>(in.a);
    }

    void step(std::size_t i, const Instr& in) {
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
                enter_loop(i, in);
                open(in, op::loop);
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
            case op::br_if:
                s_.pop();
                branch_to(static_cast<std::uint64_t>(in.a), in);
                return;
            case op::br_table: {
                s_.pop();
                const auto first = static_cast<std::size_t>(in.a);
                for (std::size_t k = 0; k < in.b && first + k < d_.labels.size(); ++k) {
                    branch_to(d_.labels[first + k], in);
                }
                s_.reachable = false;
                return;
            }
            case op::return_:
                s_.reachable = false;
                return;
            case op::call:
            case op::return_call:
                call(static_cast<std::uint32_t>(in.a), in);
                if (code == op::return_call) s_.reachable = false;
                return;
            case op::call_indirect:
            case op::return_call_indirect:
            case op::call_ref:
            case op::return_call_ref: {
                const auto t = static_cast<std::size_t>(in.a);
                if (t >= m_.types.size()) stop(in, "call type out of range");
                pop_push(1 + m_.types[t].params.size(), m_.types[t].results.size());
                if (code == op::return_call_indirect || code == op::return_call_ref) {
                    s_.reachable = false;
                }
                return;
            }
            case op::drop:
                s_.pop();
                return;
            case op::select:
            case op::select_t: {
                s_.pop();
                AbsVal b = s_.pop(), a = s_.pop();
                s_.push(a == b ? a : AbsVal::unknown());
                return;
            }
            case op::local_get:
                s_.push(local(in));
                return;
            case op::local_set: {
                AbsVal v = s_.pop();
                local(in) = v;
                return;
            }
            case op::local_tee: {
                AbsVal v = s_.stack.empty() ? AbsVal::unknown() : s_.stack.back();
                local(in) = v;
                return;
            }
            case op::global_get:
                s_.push(AbsVal::unknown());
                return;
            case op::global_set:
                escape(s_.pop());
                return;
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
            case 0xa7: {  // i32.wrap_i64
                AbsVal v = s_.pop();
                s_.push(v.is_const() ? AbsVal::constant(static_cast<std::uint32_t>(v.value))
                                     : AbsVal{});
                return;
            }
            case 0xac:
            case 0xad: {  // i64.extend_i32_s/u
                AbsVal v = s_.pop();
                if (v.is_const() && code == 0xac) {
                    v.value = static_cast<std::int32_t>(static_cast<std::uint32_t>(v.value));
                }
                s_.push(v.is_const() ? v : AbsVal{});
                return;
            }
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
            const auto address = effective_address(base, in);
            s_.push(address ? s_.load(*address, access_width(code)) : AbsVal::unknown());
            return;
        }
        if (code >= 0x36 && code <= 0x3e) {  // stores
            const AbsVal value = s_.pop();
            const AbsVal base = s_.pop();
            if (const auto address = effective_address(base, in)) {
                s_.store(*address, access_width(code), value);
            } else {
                escape(value);
            }
            return;
        }
        if (code >= 0x45 && code <= 0xc4) {
            numeric(code);
            return;
        }
        if (code >> 24 == 0xfc) {
            const std::uint32_t sub = code & 0xffffff;
            if (sub <= 7) return pop_push(1, 1);
            if (sub == 8 || sub == 10 || sub == 11) {  // memory.init/copy/fill
                s_.memory.clear();
                return pop_push(3, 0);
            }
            if (sub == 9 || sub == 13) return;
            if (sub == 12 || sub == 14 || sub == 17) return pop_push(3, 0);
            if (sub == 15) return pop_push(2, 1);
            if (sub == 16) return pop_push(0, 1);
        }
        stop(in, "instruction 0x" + hex_code(code) + " is not modelled");
    }

    void numeric(std::uint32_t code) {
        const bool unary = is_unary_numeric(code);
        if (unary) return pop_push(1, 1);
        const AbsVal b = s_.pop(), a = s_.pop();
        if (a.is_const() && b.is_const()) {
            if (auto v = fold(code, static_cast<std::uint64_t>(a.value),
                              static_cast<std::uint64_t>(b.value))) {
                s_.push(AbsVal::constant(*v));
                return;
            }
        }
        escape(a);
        escape(b);
        s_.push(AbsVal::unknown());
    }

    void call(std::uint32_t index, const Instr& in) {
        const wasm::FuncType* t = m_.function_type(index);
        if (t == nullptr) stop(in, "call to a function without a type");
        const std::size_t n = t->params.size();
        std::vector<AbsVal> args(n);
        for (std::size_t k = n; k > 0; --k) args[k - 1] = s_.pop();
        const std::optional<SocketImportInfo>* info =
            index < imports_.size() ? &imports_[index] : nullptr;
        if (info == nullptr || !info->has_value() || (*info)->call == SocketCall::other ||
            (*info)->params != n) {
            // Code the walk does not follow may keep the fd (and bind it, for instance).
            if (info == nullptr || !info->has_value()) {
                for (const AbsVal& a : args) escape(a);
            }
            for (std::size_t k = 0; k < t->results.size(); ++k) s_.push(AbsVal::unknown());
            return;
        }
        socket_call(**info, index, std::move(args), in);
        for (std::size_t k = 0; k < t->results.size(); ++k) s_.push(AbsVal::unknown());
    }

    void socket_call(const SocketImportInfo& info, std::uint32_t index, std::vector<AbsVal> args,
                     const Instr& in) {
        CallFact fact;
        fact.call = info.call;
        if (const wasm::Import* imp = m_.function_import(index)) fact.field = imp->field;
        fact.offset = in.offset;
        if (info.fd_arg >= 0) {
            const AbsVal& fd = args[static_cast<std::size_t>(info.fd_arg)];
            if (fd.is_socket() && fd.socket < facts_.sockets.size()) {
                SocketRecord& s = facts_.sockets[fd.socket];
                fact.socket = fd.socket;
                fact.socket_was_bound = s.bound;
                fact.socket_was_listening = s.listening;
                fact.socket_had_escaped = s.escaped;
                if (info.call == SocketCall::bind) s.bound = true;
                if (info.call == SocketCall::listen) s.listening = true;
            }
        }
        if (info.addr_arg >= 0) {
            const AbsVal& a = args[static_cast<std::size_t>(info.addr_arg)];
            if (a.is_const()) {
                fact.address = read_address(s_, data_, static_cast<std::uint64_t>(a.value));
            }
        }
        if (info.ret_fd_arg >= 0) {
            const AbsVal& where = args[static_cast<std::size_t>(info.ret_fd_arg)];
            SocketRecord record;
            record.created_at = in.offset;
            record.created_by = info.call;
            if (info.call == SocketCall::open) {
                record.family = args[0];
                record.type = args[1];
                record.protocol = args[2];
            } else {
                record.bound = true;  // an accepted connection is already bound and connected
            }
            const auto id = static_cast<std::uint32_t>(facts_.sockets.size());
            facts_.sockets.push_back(record);
            fact.created = id;
            if (where.is_const()) {
                // The runtime writes the new fd (a u32) at ret_fd_ptr.
                s_.store(static_cast<std::uint64_t>(where.value), 4, AbsVal::fd(id));
            }
        }
        fact.args = std::move(args);
        facts_.calls.push_back(std::move(fact));
    }

    const std::vector<std::optional<SocketImportInfo>>& imports_;
    const DataImage& data_;
    const wasm::FunctionBody* body_ = nullptr;
    const wasm::FuncType* type_ = nullptr;
    FunctionFacts facts_;
};

}  // namespace

FunctionFacts analyse_function(const wasm::Module& module, std::uint32_t body_index,
                               const DecodedBody& decoded,
                               const std::vector<std::optional<SocketImportInfo>>& socket_imports,
                               const DataImage& data) {
    Walker walker(module, body_index, decoded, socket_imports, data);
    return walker.run();
}

}  // namespace netdiag::wasi_af
