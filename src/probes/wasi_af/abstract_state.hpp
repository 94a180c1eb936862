// The abstract machine's state while walking one function body: what is known about each stack
// slot, local and memory cell. A value is a constant, a socket fd (which sock_open call made it),
// or unknown. Joins keep what both paths agree on.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "proto/wasm/module.hpp"

namespace netdiag::wasi_af {

struct AbsVal {
    enum class Kind : std::uint8_t { unknown, constant, socket };
    Kind kind = Kind::unknown;
    std::uint32_t socket = 0;  // index into the function's sockets when kind == socket
    std::int64_t value = 0;    // i32 values are kept zero-extended

    static AbsVal unknown() { return {}; }
    static AbsVal constant(std::int64_t v) { return {Kind::constant, 0, v}; }
    static AbsVal fd(std::uint32_t socket) { return {Kind::socket, socket, 0}; }
    bool is_const() const { return kind == Kind::constant; }
    bool is_socket() const { return kind == Kind::socket; }
    bool operator==(const AbsVal&) const = default;
};

// A value stored at a constant address by this function.
struct MemCell {
    std::uint8_t width = 4;
    AbsVal value;
    bool operator==(const MemCell&) const = default;
};

struct State {
    bool reachable = true;
    std::vector<AbsVal> stack;
    std::vector<AbsVal> locals;
    std::map<std::uint64_t, MemCell> memory;  // by address; cells never overlap

    AbsVal pop();
    void push(AbsVal v) { stack.push_back(v); }
    void store(std::uint64_t address, std::uint8_t width, AbsVal value);
    // The cell stored exactly at `address` with `width`, else unknown.
    AbsVal load(std::uint64_t address, std::uint8_t width) const;
    // One byte as this function last stored it: the constant byte, unknown (-1) when a store of
    // an unknown value covers it, or nullopt when no store covers it.
    std::optional<int> stored_byte(std::uint64_t address) const;
    // Keeps in *this only what `other` agrees with (locals, memory cells); stack values beyond
    // the shorter stack are dropped.
    void join(const State& other);
    std::size_t size() const { return stack.size() + locals.size() + memory.size(); }
};

// The bytes of an address structure (__wasi_addr_port_t, 20 bytes for IPv6) as far as the
// function's stores and the module's data segments tell; -1 where unknown.
struct AddrBytes {
    std::uint64_t address = 0;
    std::array<int, 20> bytes{};
    std::size_t known_prefix = 0;  // how many leading bytes are known
    bool from_data = false;        // some byte came from a data segment
    bool from_stores = false;      // some byte came from the function's own stores
};

// Active data segments of memory 0 with a constant address, to read initial memory from.
class DataImage {
public:
    explicit DataImage(const wasm::Module& module);
    // The initial byte at `address`, from the last segment that covers it.
    std::optional<std::uint8_t> byte(std::uint64_t address) const;
    // The file offset of the byte at `address` (for evidence), or nullopt.
    std::optional<std::size_t> file_offset(std::uint64_t address) const;

private:
    struct Segment {
        std::uint64_t address;
        std::span<const std::uint8_t> bytes;
        std::size_t offset;
    };
    const Segment* find(std::uint64_t address) const;
    std::vector<Segment> segments_;
};

AddrBytes read_address(const State& state, const DataImage& data, std::uint64_t address);

}  // namespace netdiag::wasi_af
