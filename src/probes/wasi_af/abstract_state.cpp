#include "probes/wasi_af/abstract_state.hpp"

#include <algorithm>

namespace netdiag::wasi_af {

AbsVal State::pop() {
    // Valid code never pops past its block; on invalid code the value is simply unknown.
    if (stack.empty()) return AbsVal::unknown();
    AbsVal v = stack.back();
    stack.pop_back();
    return v;
}

void State::store(std::uint64_t address, std::uint8_t width, AbsVal value) {
    // Drop every cell that overlaps [address, address + width).
    auto it = memory.lower_bound(address >= 7 ? address - 7 : 0);
    while (it != memory.end() && it->first < address + width) {
        if (it->first + it->second.width > address) {
            it = memory.erase(it);
        } else {
            ++it;
        }
    }
    if (value.is_const() && width < 8) {
        value.value &= (std::int64_t{1} << (8 * width)) - 1;
    }
    memory[address] = MemCell{width, value};
}

AbsVal State::load(std::uint64_t address, std::uint8_t width) const {
    auto it = memory.find(address);
    if (it == memory.end() || it->second.width != width) return AbsVal::unknown();
    return it->second.value;
}

std::optional<int> State::stored_byte(std::uint64_t address) const {
    auto it = memory.upper_bound(address);
    if (it == memory.begin()) return std::nullopt;
    --it;
    const std::uint64_t start = it->first;
    if (address >= start + it->second.width) return std::nullopt;
    if (!it->second.value.is_const()) return -1;
    const auto shift = 8 * (address - start);
    return static_cast<int>((static_cast<std::uint64_t>(it->second.value.value) >> shift) & 0xff);
}

void State::join(const State& other) {
    if (!other.reachable) return;
    if (!reachable) {
        *this = other;
        return;
    }
    const std::size_t n = std::min(locals.size(), other.locals.size());
    locals.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (!(locals[i] == other.locals[i])) locals[i] = AbsVal::unknown();
    }
    const std::size_t s = std::min(stack.size(), other.stack.size());
    stack.resize(s);
    for (std::size_t i = 0; i < s; ++i) {
        if (!(stack[i] == other.stack[i])) stack[i] = AbsVal::unknown();
    }
    for (auto it = memory.begin(); it != memory.end();) {
        auto o = other.memory.find(it->first);
        if (o == other.memory.end() || !(o->second == it->second)) {
            it = memory.erase(it);
        } else {
            ++it;
        }
    }
}

DataImage::DataImage(const wasm::Module& module) {
    for (const auto& seg : module.data) {
        if (seg.active && seg.memory == 0 && seg.address && !seg.bytes.empty()) {
            segments_.push_back({*seg.address, seg.bytes, seg.offset});
        }
    }
}

const DataImage::Segment* DataImage::find(std::uint64_t address) const {
    // Later segments overwrite earlier ones at instantiation.
    for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) {
        if (address >= it->address && address - it->address < it->bytes.size()) return &*it;
    }
    return nullptr;
}

std::optional<std::uint8_t> DataImage::byte(std::uint64_t address) const {
    const Segment* s = find(address);
    if (s == nullptr) return std::nullopt;
    return s->bytes[static_cast<std::size_t>(address - s->address)];
}

std::optional<std::size_t> DataImage::file_offset(std::uint64_t address) const {
    const Segment* s = find(address);
    if (s == nullptr) return std::nullopt;
    return s->offset + static_cast<std::size_t>(address - s->address);
}

AddrBytes read_address(const State& state, const DataImage& data, std::uint64_t address) {
    AddrBytes out;
    out.address = address;
    bool prefix = true;
    for (std::size_t k = 0; k < out.bytes.size(); ++k) {
        int b = -1;
        if (auto stored = state.stored_byte(address + k)) {
            b = *stored;
            if (b >= 0) out.from_stores = true;
        } else if (auto initial = data.byte(address + k)) {
            b = *initial;
            out.from_data = true;
        }
        out.bytes[k] = b;
        if (b < 0) prefix = false;
        if (prefix) out.known_prefix = k + 1;
    }
    return out;
}

}  // namespace netdiag::wasi_af
