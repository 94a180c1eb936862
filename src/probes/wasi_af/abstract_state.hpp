// The abstract machine's state while walking a function body: what is known about each stack
// slot, local, global and memory byte. Memory is kept byte by byte under symbolic addresses
// (base + offset), so a wide store of zero followed by narrower field stores reads back exactly,
// and a value stored whole (a pointer, a socket fd) loads back whole at the same width.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "probes/wasi_af/abstract_value.hpp"
#include "proto/wasm/module.hpp"

namespace netdiag::probes::wasi_af {

// What one memory byte holds: a constant byte, or byte `part` of a `width`-byte value.
struct MemByte {
    AbsVal value;
    std::uint8_t part = 0;
    std::uint8_t width = 1;
    bool operator==(const MemByte&) const = default;
};

// A memory address as a map key: its base and its 32-bit offset from that base.
using MemKey = std::uint64_t;
inline MemKey mem_key(std::uint32_t base, std::int64_t offset) {
    return (std::uint64_t{base} << 32) | static_cast<std::uint32_t>(offset);
}
inline MemKey key_plus(MemKey key, std::uint64_t n) {
    return (key & 0xffffffff00000000ull) |
           static_cast<std::uint32_t>(static_cast<std::uint32_t>(key) + n);
}
inline bool key_is_absolute(MemKey key) {
    return (key >> 32) == kBaseAbsolute;
}

// Active data segments of memory 0 with a constant address, to read initial memory from.
class DataImage {
public:
    explicit DataImage(const proto::wasm::Module& module);
    // The initial byte at `address`, from the last segment that covers it.
    std::optional<std::uint8_t> byte(std::uint64_t address) const;

private:
    struct Segment {
        std::uint64_t address;
        std::span<const std::uint8_t> bytes;
    };
    std::vector<Segment> segments_;  // sorted by address, later segments win on overlap
};

struct State {
    bool reachable = true;
    std::vector<AbsVal> stack;
    std::vector<AbsVal> locals;
    std::map<std::uint32_t, AbsVal> globals;  // globals written by the walk
    std::map<MemKey, MemByte> memory;

    AbsVal pop();
    void push(AbsVal v) { stack.push_back(v); }
    AbsVal global(std::uint32_t index) const;
    void store(MemKey at, std::uint8_t width, const AbsVal& value);
    // The value loaded from `at`: assembled from constant bytes, a value stored whole at the same
    // width, or the data segments for absolute addresses no store has touched.
    AbsVal load(MemKey at, std::uint8_t width, const DataImage& data) const;
    // One byte: the constant, -1 when unknown, nullopt when the walk never wrote it.
    std::optional<int> stored_byte(MemKey at) const;
    void forget_memory(Unknown why);  // every byte unknown (an unmodelled write of any size)
    // Keeps in *this only what `other` agrees with.
    void join(const State& other);
    std::size_t size() const { return stack.size() + locals.size() + memory.size(); }

private:
    bool forgotten_ = false;  // set: bytes not in `memory` are unknown rather than initial
    Unknown forgotten_why_ = Unknown::memory;
};

// The bytes of an address structure (__wasi_addr_port_t, 20 bytes for IPv6) as far as the walk
// knows them; -1 where unknown.
struct AddrBytes {
    AbsVal pointer;
    std::array<int, 20> bytes{};
    std::size_t known_prefix = 0;  // how many leading bytes are known
};

AddrBytes read_address(const State& state, const DataImage& data, const AbsVal& pointer);

}  // namespace netdiag::probes::wasi_af
