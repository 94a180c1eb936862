// Decoding of function bodies into instructions with their immediates and block structure.
// Every immediate is bounds-checked; nesting depth is limited so hostile input cannot make the
// decoder (or an analysis that keeps per-block state) grow without bound.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "proto/wasm/module.hpp"

namespace netdiag::proto::wasm {

// Opcodes with a prefix byte (0xfc, 0xfd, 0xfe) are stored as prefix << 24 | sub-opcode.
constexpr std::uint32_t prefixed(std::uint8_t prefix, std::uint32_t sub) {
    return (std::uint32_t{prefix} << 24) | sub;
}

namespace op {
inline constexpr std::uint32_t unreachable = 0x00, block = 0x02, loop = 0x03, if_ = 0x04,
                               else_ = 0x05, try_ = 0x06, catch_ = 0x07, throw_ = 0x08,
                               rethrow = 0x09, throw_ref = 0x0a, end = 0x0b, br = 0x0c,
                               br_if = 0x0d, br_table = 0x0e, return_ = 0x0f, call = 0x10,
                               call_indirect = 0x11, return_call = 0x12,
                               return_call_indirect = 0x13, call_ref = 0x14, return_call_ref = 0x15,
                               delegate = 0x18, catch_all = 0x19, drop = 0x1a, select = 0x1b,
                               select_t = 0x1c, try_table = 0x1f, local_get = 0x20,
                               local_set = 0x21, local_tee = 0x22, global_get = 0x23,
                               global_set = 0x24, i32_const = 0x41, i64_const = 0x42;
}  // namespace op

// Block type: empty, one value, or a function type index (>= 0).
inline constexpr std::int64_t kBlockEmpty = -1;
inline constexpr std::int64_t kBlockOneValue = -2;
inline constexpr std::uint32_t kNoIndex = 0xffffffff;

struct Instr {
    std::uint32_t op = 0;
    // block/loop/if/try/try_table: index of the matching `end`; if: `else` index in `b`.
    std::uint32_t match = kNoIndex;
    std::size_t offset = 0;  // file offset of the opcode
    // First immediate: constant value, index, label, memarg offset, block type, or the start of
    // br_table's labels in DecodedBody::labels.
    std::int64_t a = 0;
    // Second immediate: memarg alignment, table index, br_table label count (default included),
    // the `else` index of an `if`.
    std::uint64_t b = 0;
};

struct DecodedBody {
    std::vector<Instr> instrs;
    std::vector<std::uint32_t> labels;  // br_table targets
};

// Deeper nesting is refused (ND-WASM-010 warning). Compilers nest one block per case of a switch
// lowered to br_table: LLVM built for WebAssembly has a function 4,248 blocks deep. The control
// stack is a vector, so the bound is about memory (8 bytes a level, 16 bits of depth as in WAMR).
inline constexpr std::size_t kMaxBlockDepth = 65536;

// Decodes a body's instructions into `out` (cleared first). Throws DecodeFailure on malformed or
// unsupported code; messages name the file offset.
void decode_body(const Module& module, const FunctionBody& body, DecodedBody& out);

// Decodes a body without storing it and tells whether it calls (call / return_call) any
// function for which `is_target(index)` holds. Same checks as decode_body.
bool body_calls_any(const Module& module, const FunctionBody& body,
                    const std::vector<bool>& is_target);

// What one pass over a body tells without keeping its instructions: the direct calls and where
// they are, which opcodes occur, and whether every local and label it names exists. An analysis
// reads from it which bodies are worth decoding in full.
struct BodyOutline {
    struct Call {
        std::uint32_t callee = 0;
        std::uint32_t at = 0;     // instruction index
        std::uint32_t depth = 0;  // blocks open around it, the function's own included
        bool tail = false;        // return_call
    };
    std::vector<Call> calls;  // call / return_call, in order, with repeats
    std::uint32_t instructions = 0;
    // Opcodes seen: single-byte ones by value, prefixed ones by their prefix byte.
    std::bitset<256> opcodes;
    std::uint64_t locals_named = 0;  // 1 + the highest local index used (0: none)
    bool labels_in_range = true;     // every branch names a block that is open
};

// Decodes a body without storing it and fills `out` (cleared first). Same checks as decode_body.
void outline_body(const Module& module, const FunctionBody& body, BodyOutline& out);

}  // namespace netdiag::proto::wasm
