#include "probes/wasi_af/abstract_state.hpp"

#include <algorithm>

namespace netdiag::probes::wasi_af {

AbsVal State::pop() {
    // Valid code never pops past its block; on invalid code the value is simply unknown.
    if (stack.empty()) return AbsVal::unknown();
    AbsVal v = stack.back();
    stack.pop_back();
    return v;
}

AbsVal State::global(std::uint32_t index) const {
    auto it = globals.find(index);
    if (it != globals.end()) return it->second;
    // Its value on entry: the base of addresses computed from it (the C stack pointer).
    return AbsVal::pointer(kBaseGlobalTag | index, 0);
}

void State::store(MemKey at, std::uint8_t width, const AbsVal& value) {
    if (value.is_const()) {
        const auto v = static_cast<std::uint64_t>(value.value);
        for (std::uint8_t k = 0; k < width; ++k) {
            memory[key_plus(at, k)] =
                MemByte{AbsVal::constant(static_cast<std::int64_t>((v >> (8 * k)) & 0xff)), 0, 1};
        }
        return;
    }
    for (std::uint8_t k = 0; k < width; ++k) memory[key_plus(at, k)] = MemByte{value, k, width};
}

std::optional<int> State::stored_byte(MemKey at) const {
    auto it = memory.find(at);
    if (it == memory.end()) {
        if (forgotten_) return -1;
        return std::nullopt;
    }
    if (!it->second.value.is_const()) return -1;
    return static_cast<int>(it->second.value.value);
}

AbsVal State::load(MemKey at, std::uint8_t width, const DataImage& data) const {
    std::uint64_t assembled = 0;
    bool all_const = true, none_stored = true;
    const MemByte* first = nullptr;
    bool whole = true;
    for (std::uint8_t k = 0; k < width; ++k) {
        auto it = memory.find(key_plus(at, k));
        if (it == memory.end()) {
            whole = false;
            if (forgotten_ || !key_is_absolute(at)) {
                all_const = false;
                continue;
            }
            auto initial = data.byte(static_cast<std::uint32_t>(key_plus(at, k)));
            if (!initial) {
                all_const = false;
                continue;
            }
            assembled |= std::uint64_t{*initial} << (8 * k);
            continue;
        }
        none_stored = false;
        const MemByte& b = it->second;
        if (b.value.is_const()) {
            assembled |= static_cast<std::uint64_t>(b.value.value) << (8 * k);
            whole = false;
        } else {
            all_const = false;
            if (b.part != k || b.width != width || (first && !first->value.same(b.value))) {
                whole = false;
            }
            if (!first) first = &b;
        }
    }
    if (all_const) return AbsVal::constant(static_cast<std::int64_t>(assembled));
    if (whole && first) return first->value;
    if (none_stored && forgotten_) return AbsVal::unknown(forgotten_why_);
    if (first && first->value.is_unknown()) return first->value;
    return AbsVal::unknown(Unknown::memory);
}

void State::forget_memory(Unknown why) {
    memory.clear();
    forgotten_ = true;
    forgotten_why_ = why;
}

void State::join(const State& other) {
    if (!other.reachable) return;
    if (!reachable) {
        *this = other;
        return;
    }
    const std::size_t n = std::min(locals.size(), other.locals.size());
    locals.resize(n);
    for (std::size_t i = 0; i < n; ++i) locals[i] = join_values(locals[i], other.locals[i]);
    const std::size_t s = std::min(stack.size(), other.stack.size());
    stack.resize(s);
    for (std::size_t i = 0; i < s; ++i) stack[i] = join_values(stack[i], other.stack[i]);
    for (auto& [index, value] : globals) value = join_values(value, other.global(index));
    for (const auto& [index, value] : other.globals) {
        if (!globals.count(index)) globals[index] = join_values(global(index), value);
    }
    // A byte one path wrote and the other did not is unknown after the join.
    const MemByte differ{AbsVal::unknown(Unknown::paths_differ), 0, 1};
    for (auto& [key, byte] : memory) {
        auto o = other.memory.find(key);
        if (o == other.memory.end() ||
            !(o->second.value.same(byte.value) && o->second.part == byte.part &&
              o->second.width == byte.width)) {
            byte = differ;
        }
    }
    for (const auto& [key, byte] : other.memory) {
        if (!memory.count(key)) memory[key] = differ;
    }
    if (other.forgotten_ && !forgotten_) {
        forgotten_ = true;
        forgotten_why_ = other.forgotten_why_;
    }
}

DataImage::DataImage(const proto::wasm::Module& module) {
    for (const auto& seg : module.data) {
        if (seg.active && seg.memory == 0 && seg.address && !seg.bytes.empty()) {
            segments_.push_back({*seg.address, seg.bytes});
        }
    }
}

std::optional<std::uint8_t> DataImage::byte(std::uint64_t address) const {
    // Later segments overwrite earlier ones at instantiation; modules have few segments.
    for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) {
        if (address >= it->address && address - it->address < it->bytes.size()) {
            return it->bytes[static_cast<std::size_t>(address - it->address)];
        }
    }
    return std::nullopt;
}

AddrBytes read_address(const State& state, const DataImage& data, const AbsVal& pointer) {
    AddrBytes out;
    out.pointer = pointer;
    const MemKey at = mem_key(pointer.address_base(), pointer.value);
    bool prefix = true;
    for (std::size_t k = 0; k < out.bytes.size(); ++k) {
        int b = -1;
        const MemKey key = key_plus(at, k);
        if (auto stored = state.stored_byte(key)) {
            b = *stored;
        } else if (key_is_absolute(key)) {
            if (auto initial = data.byte(static_cast<std::uint32_t>(key))) b = *initial;
        }
        out.bytes[k] = b;
        if (b < 0) prefix = false;
        if (prefix) out.known_prefix = k + 1;
    }
    return out;
}

}  // namespace netdiag::probes::wasi_af
