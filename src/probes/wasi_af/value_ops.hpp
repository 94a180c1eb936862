// What the abstract machine knows about WebAssembly's value instructions: folding of the integer
// operations that build addresses, flags, ports and branch conditions, over constants and over
// addresses of the form base + offset, and the width of each memory access.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "probes/wasi_af/abstract_value.hpp"

namespace netdiag::probes::wasi_af {

// `a op b` for the i32/i64 integer arithmetic, bitwise, shift, rotate and comparison opcodes;
// i32 results are zero-extended. nullopt for any other opcode (or a division by zero).
std::optional<std::int64_t> fold(std::uint32_t opcode, std::uint64_t a, std::uint64_t b);

// A binary numeric opcode (0x46-0x8a) over abstract values: constants fold; base + offset moves
// by an added or subtracted constant; two addresses with one base subtract and compare.
AbsVal binary_op(std::uint32_t opcode, const AbsVal& a, const AbsVal& b);

// A unary numeric opcode (eqz, wrap, extend, sign-extension): folded for constants.
AbsVal unary_op(std::uint32_t opcode, const AbsVal& v);

// Bytes read or written by a load (0x28-0x35) or store (0x36-0x3e).
std::uint8_t access_width(std::uint32_t opcode);

// A loaded constant as the opcode extends it (load8_s, load16_u, ...).
std::int64_t extend_loaded(std::uint32_t opcode, std::uint64_t raw);

// True for the numeric opcodes (0x45-0xc4) that take one operand.
bool is_unary_numeric(std::uint32_t opcode);

std::string hex_code(std::uint32_t v);  // "fd0c"

}  // namespace netdiag::probes::wasi_af
