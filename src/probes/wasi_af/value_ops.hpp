// What the abstract machine knows about WebAssembly's value instructions: constant folding for
// the integer operations that build addresses and flags, and the width of each memory access.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace netdiag::wasi_af {

// `a op b` for the i32/i64 add, sub, mul, and, or, xor, shl, shr_u opcodes; i32 results are
// zero-extended. nullopt for any other opcode.
std::optional<std::int64_t> fold(std::uint32_t opcode, std::uint64_t a, std::uint64_t b);

// Bytes read or written by a load (0x28-0x35) or store (0x36-0x3e).
std::uint8_t access_width(std::uint32_t opcode);

// True for the numeric opcodes (0x45-0xc4) that take one operand.
bool is_unary_numeric(std::uint32_t opcode);

std::string hex_code(std::uint32_t v);  // "fd0c"

}  // namespace netdiag::wasi_af
