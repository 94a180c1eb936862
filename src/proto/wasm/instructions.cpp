// One decoder, two sinks: a fast scan that only looks for calls, and a full decode that keeps
// every instruction for the analysis. Both check the same things.
#include "proto/wasm/instructions.hpp"

#include <algorithm>
#include <string>

namespace netdiag::proto::wasm {
namespace {

std::string hex2(std::uint32_t b) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    if (b > 0xff) s += hex2(b >> 8);
    s += digits[(b >> 4) & 15];
    s += digits[b & 15];
    return s;
}

bool is_value_type_byte(std::uint8_t b) {
    return b == 0x7f || b == 0x7e || b == 0x7d || b == 0x7c || b == 0x7b || b == 0x70 ||
           b == 0x6f || b == 0x69;
}

template <typename Sink>
class Decoder {
public:
    Decoder(const Module& m, const FunctionBody& body, Sink& sink)
        : m_(m), r_(body.code, body.code_offset), sink_(sink) {}

    void run() {
        open_.clear();
        open_.push_back({kNoIndex, 0});  // the function's own block
        while (!open_.empty()) {
            if (r_.at_end()) {
                r_.fail(DecodeErrorKind::malformed, r_.offset(),
                        "truncated at offset " + hex_offset(r_.offset()) + ": " +
                            std::to_string(open_.size()) + " block(s) not closed by `end`");
            }
            step();
        }
        if (!r_.at_end()) {
            r_.fail(DecodeErrorKind::malformed, r_.offset(),
                    std::to_string(r_.remaining()) +
                        " bytes after the function's final `end` "
                        "at offset " +
                        hex_offset(r_.offset()));
        }
    }

private:
    void block_type(Instr& in) {
        const std::size_t at = r_.offset();
        const std::int64_t v = r_.sleb(33);
        if (v == -64) {
            in.a = kBlockEmpty;
        } else if (v < 0 && is_value_type_byte(static_cast<std::uint8_t>(v & 0x7f))) {
            in.a = kBlockOneValue;
        } else if (v >= 0 && static_cast<std::uint64_t>(v) < m_.types.size()) {
            in.a = v;
        } else {
            r_.fail(DecodeErrorKind::malformed, at,
                    "block type " + std::to_string(v) + " at offset " + hex_offset(at) +
                        " is neither a value type nor a type index in range");
        }
    }

    void memarg(Instr& in) {
        std::uint32_t align = r_.u32();
        if (align & 0x40) (void)r_.u32();  // multi-memory: memory index follows
        in.b = align;
        in.a = static_cast<std::int64_t>(r_.uleb(64));
    }

    void open_block(const Instr& in, std::uint32_t index) {
        if (open_.size() > kMaxBlockDepth) {
            r_.fail(DecodeErrorKind::limit, in.offset,
                    "blocks nested deeper than " + std::to_string(kMaxBlockDepth) + " at offset " +
                        hex_offset(in.offset));
        }
        open_.push_back({index, static_cast<std::uint8_t>(in.op)});
    }

    void close_block(std::uint32_t at) {
        sink_.set_end(open_.back().index, at);
        open_.pop_back();
    }

    void step() {
        Instr in;
        const std::uint32_t index = sink_.next_index();
        in.offset = r_.offset();
        const std::uint8_t byte = r_.u8();
        in.op = byte;
        bool opens = false;
        switch (byte) {
            case 0x00:
            case 0x01:
            case 0x0a:
            case 0x0f:
            case 0x19:
            case 0x1a:
            case 0x1b:
            case 0xd1:
            case 0xd3:
            case 0xd4:
                break;
            case 0x02:
            case 0x03:
            case 0x04:
            case 0x06:
                block_type(in);
                opens = true;
                break;
            case 0x05:
                if (open_.back().op != op::if_) {
                    r_.fail(DecodeErrorKind::malformed, in.offset,
                            "`else` without `if` at offset " + hex_offset(in.offset));
                }
                open_.back().op = op::else_;
                sink_.set_else(open_.back().index, index);
                break;
            case 0x0b:
                close_block(index);
                break;
            case 0x18:  // delegate ends a legacy `try` block
                in.a = r_.u32();
                if (open_.back().op != op::try_) {
                    r_.fail(DecodeErrorKind::malformed, in.offset,
                            "`delegate` outside `try` at offset " + hex_offset(in.offset));
                }
                close_block(index);
                break;
            case 0x07:
            case 0x08:
            case 0x09:
            case 0x0c:
            case 0x0d:
            case 0xd5:
            case 0xd6:
                in.a = r_.u32();
                break;
            case 0x0e: {
                const std::uint32_t n = r_.count("br_table label");
                in.a = static_cast<std::int64_t>(sink_.label_count());
                in.b = std::uint64_t{n} + 1;
                for (std::uint32_t i = 0; i <= n; ++i) sink_.label(r_.u32());
                break;
            }
            case 0x10:
            case 0x12:
            case 0xd2: {
                const std::size_t at = r_.offset();
                in.a = r_.u32();
                if (static_cast<std::uint64_t>(in.a) >= m_.function_count()) {
                    r_.fail(DecodeErrorKind::malformed, at,
                            "function index " + std::to_string(in.a) + " at offset " +
                                hex_offset(at) + " is out of range (" +
                                std::to_string(m_.function_count()) + " functions)");
                }
                break;
            }
            case 0x11:
            case 0x13: {
                const std::size_t at = r_.offset();
                in.a = r_.u32();
                in.b = r_.u32();
                if (static_cast<std::uint64_t>(in.a) >= m_.types.size()) {
                    r_.fail(DecodeErrorKind::malformed, at,
                            "type index " + std::to_string(in.a) + " at offset " + hex_offset(at) +
                                " is out of range");
                }
                break;
            }
            case 0x14:
            case 0x15:
                in.a = r_.u32();
                break;
            case 0x1c: {
                const std::uint32_t n = r_.count("select type");
                for (std::uint32_t i = 0; i < n; ++i) (void)r_.u8();
                break;
            }
            case 0x1f: {
                block_type(in);
                const std::uint32_t n = r_.count("catch clause", 2);
                for (std::uint32_t i = 0; i < n; ++i) {
                    const std::size_t at = r_.offset();
                    const std::uint8_t kind = r_.u8();
                    if (kind > 3) {
                        r_.fail(
                            DecodeErrorKind::malformed, at,
                            "catch kind " + std::to_string(kind) + " at offset " + hex_offset(at));
                    }
                    if (kind < 2) (void)r_.u32();  // tag
                    (void)r_.u32();                // label
                }
                opens = true;
                break;
            }
            case 0x20:
            case 0x21:
            case 0x22:
            case 0x23:
            case 0x24:
            case 0x25:
            case 0x26:
                in.a = r_.u32();
                break;
            case 0x3f:
            case 0x40:
                in.a = r_.u32();
                break;
            case 0x41:
                in.a = r_.sleb(32);
                break;
            case 0x42:
                in.a = r_.sleb(64);
                break;
            case 0x43:
                r_.skip(4, "f32 constant");
                break;
            case 0x44:
                r_.skip(8, "f64 constant");
                break;
            case 0xd0:
                (void)r_.sleb(33);
                break;
            case 0xfc:
            case 0xfd:
            case 0xfe:
                prefixed_op(in, byte);
                break;
            default:
                if (byte >= 0x28 && byte <= 0x3e) {
                    memarg(in);
                } else if (byte >= 0x45 && byte <= 0xc4) {
                    // numeric instructions carry no immediates
                } else {
                    r_.fail(
                        byte == 0xfb ? DecodeErrorKind::unsupported : DecodeErrorKind::malformed,
                        in.offset,
                        (byte == 0xfb ? "GC opcode 0xfb" : "unknown opcode 0x" + hex2(byte)) +
                            std::string(" at offset ") + hex_offset(in.offset) +
                            (byte == 0xfb ? " is not supported" : ""));
                }
        }
        sink_.add(in);
        if (opens) open_block(in, index);
    }

    void prefixed_op(Instr& in, std::uint8_t prefix) {
        const std::uint32_t sub = r_.u32();
        in.op = prefixed(prefix, sub & 0xffffff);
        bool known = sub <= 0xffffff;
        if (prefix == 0xfc) {
            switch (sub) {
                case 0:
                case 1:
                case 2:
                case 3:
                case 4:
                case 5:
                case 6:
                case 7:
                    break;
                case 8:
                case 10:
                case 12:
                case 14:
                    (void)r_.u32();
                    (void)r_.u32();
                    break;
                case 9:
                case 11:
                case 13:
                case 15:
                case 16:
                case 17:
                    (void)r_.u32();
                    break;
                default:
                    known = false;
            }
        } else if (prefix == 0xfd) {
            if (sub <= 11 || sub == 0x5c || sub == 0x5d) {
                memarg(in);
            } else if (sub >= 0x54 && sub <= 0x5b) {
                memarg(in);
                (void)r_.u8();
            } else if (sub == 12 || sub == 13) {
                r_.skip(16, "v128 immediate");
            } else if (sub >= 0x15 && sub <= 0x22) {
                (void)r_.u8();
            } else if (sub > 0x113) {
                known = false;
            }
        } else {  // 0xfe atomics
            if (sub == 3) {
                (void)r_.u8();
            } else if (sub <= 2 || (sub >= 0x10 && sub <= 0x4e)) {
                memarg(in);
            } else {
                known = false;
            }
        }
        if (!known) {
            r_.fail(DecodeErrorKind::malformed, in.offset,
                    "unknown opcode 0x" + hex2(prefix) + " " + std::to_string(sub) + " at offset " +
                        hex_offset(in.offset));
        }
    }

    const Module& m_;
    ByteReader r_;
    Sink& sink_;
    struct OpenBlock {
        std::uint32_t index;  // instruction index of the block start (kNoIndex: the function)
        std::uint8_t op;      // block, loop, if (else once its `else` was seen), try, try_table
    };
    std::vector<OpenBlock> open_;
};

// Keeps every instruction and links blocks to their else/end.
struct StoreSink {
    DecodedBody& out;
    std::uint32_t next_index() const { return static_cast<std::uint32_t>(out.instrs.size()); }
    void set_else(std::uint32_t block, std::uint32_t at) { out.instrs[block].b = at; }
    void set_end(std::uint32_t block, std::uint32_t at) {
        if (block != kNoIndex) out.instrs[block].match = at;
    }
    std::size_t label_count() const { return out.labels.size(); }
    void label(std::uint32_t l) { out.labels.push_back(l); }
    void add(Instr in) {
        if (in.op == op::if_) in.b = kNoIndex;
        out.instrs.push_back(in);
    }
};

// A sink that keeps no block structure, only a count of instructions; the scans below add
// what they look for.
struct StructurelessSink {
    std::uint32_t count = 0;

    std::uint32_t next_index() const { return count; }
    void set_else(std::uint32_t, std::uint32_t) {}
    void set_end(std::uint32_t, std::uint32_t) {}
    std::size_t label_count() const { return 0; }
    void label(std::uint32_t) {}
};

// Keeps nothing but whether a target function is called.
struct ScanSink : StructurelessSink {
    explicit ScanSink(const std::vector<bool>& targets) : is_target(targets) {}
    const std::vector<bool>& is_target;
    bool found = false;

    void add(const Instr& in) {
        if ((in.op == op::call || in.op == op::return_call) &&
            static_cast<std::uint64_t>(in.a) < is_target.size() &&
            is_target[static_cast<std::size_t>(in.a)]) {
            found = true;
        }
        ++count;
    }
};

// Keeps the outline: calls, opcodes, locals and labels named, nesting.
struct OutlineSink {
    explicit OutlineSink(BodyOutline& o) : out(o) {}
    BodyOutline& out;
    std::uint32_t depth = 1;  // the function's own block

    std::uint32_t next_index() const { return out.instructions; }
    void set_else(std::uint32_t, std::uint32_t) {}
    void set_end(std::uint32_t, std::uint32_t) { --depth; }
    std::size_t label_count() const { return 0; }
    void label(std::uint32_t l) {
        if (l >= depth) out.labels_in_range = false;
    }
    void add(const Instr& in) {
        const std::uint32_t code = in.op;
        out.opcodes.set(code > 0xff ? code >> 24 : code);
        switch (code) {
            case op::call:
            case op::return_call:
                out.calls.push_back({static_cast<std::uint32_t>(in.a), out.instructions, depth,
                                     code == op::return_call});
                break;
            case op::br:
            case op::br_if:
                if (static_cast<std::uint64_t>(in.a) >= depth) out.labels_in_range = false;
                break;
            case op::local_get:
            case op::local_set:
            case op::local_tee:
                out.locals_named = std::max(out.locals_named, static_cast<std::uint64_t>(in.a) + 1);
                break;
            case op::block:
            case op::loop:
            case op::if_:
            case op::try_:
            case op::try_table:
                ++depth;
                break;
            default:
                break;
        }
        ++out.instructions;
    }
};

}  // namespace

void decode_body(const Module& module, const FunctionBody& body, DecodedBody& out) {
    out.instrs.clear();
    out.labels.clear();
    // About one instruction per two bytes of code is typical; reserve from the checked size.
    out.instrs.reserve(std::min<std::size_t>(body.code.size() / 2 + 1, std::size_t{1} << 20));
    StoreSink sink{out};
    Decoder<StoreSink> decoder(module, body, sink);
    decoder.run();
}

bool body_calls_any(const Module& module, const FunctionBody& body,
                    const std::vector<bool>& is_target) {
    ScanSink sink(is_target);
    Decoder<ScanSink> decoder(module, body, sink);
    decoder.run();
    return sink.found;
}

void outline_body(const Module& module, const FunctionBody& body, BodyOutline& out) {
    out.calls.clear();
    out.instructions = 0;
    out.opcodes.reset();
    out.locals_named = 0;
    out.labels_in_range = true;
    OutlineSink sink(out);
    Decoder<OutlineSink> decoder(module, body, sink);
    decoder.run();
}

}  // namespace netdiag::proto::wasm
