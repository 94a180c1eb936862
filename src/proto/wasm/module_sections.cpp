// The entries of the sections netdiag uses: types, imports, functions, exports, code, data.
#include "proto/wasm/module_reader.hpp"

namespace netdiag::proto::wasm {
namespace {

// Generous bound on declared locals per function; engines refuse far fewer (50,000).
constexpr std::uint64_t kMaxLocals = 1'000'000;

}  // namespace

void ModuleReader::read_types(ByteReader& r) {
    current_id_ = 1;
    const std::uint32_t n = r.count("type", 3);
    m_.types.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        item("type", i);
        const std::size_t at = r.offset();
        const std::uint8_t form = r.u8();
        if (form != 0x60) {
            const bool gc =
                form == 0x4e || form == 0x4f || form == 0x50 || form == 0x5e || form == 0x5f;
            r.fail(gc ? DecodeErrorKind::unsupported : DecodeErrorKind::malformed, at,
                   "type form 0x" + hex_byte(form) + " at offset " + hex_offset(at) +
                       (gc ? " (GC proposal) is not supported" : ", expected 0x60 (func)"));
        }
        FuncType t;
        const std::uint32_t np = r.count("parameter");
        t.params.reserve(np);
        for (std::uint32_t k = 0; k < np; ++k) t.params.push_back(value_type(r));
        const std::uint32_t nr = r.count("result");
        t.results.reserve(nr);
        for (std::uint32_t k = 0; k < nr; ++k) t.results.push_back(value_type(r));
        m_.types.push_back(std::move(t));
    }
}

void ModuleReader::check_type_index(ByteReader& r, std::size_t at, std::uint32_t index) {
    if (index >= m_.types.size()) {
        r.fail(DecodeErrorKind::malformed, at,
               "type index " + std::to_string(index) + " at offset " + hex_offset(at) +
                   " is out of range (" + std::to_string(m_.types.size()) + " types)");
    }
}

void ModuleReader::limits(ByteReader& r) {
    const std::size_t at = r.offset();
    const std::uint8_t flags = r.u8();
    if (flags > 7) {
        r.fail(DecodeErrorKind::unsupported, at,
               "limits flags 0x" + hex_byte(flags) + " at offset " + hex_offset(at));
    }
    const unsigned bits = (flags & 4) ? 64 : 32;
    (void)r.uleb(bits);
    if (flags & 1) (void)r.uleb(bits);
}

void ModuleReader::read_imports(ByteReader& r) {
    current_id_ = 2;
    const std::uint32_t n = r.count("import", 4);
    m_.imports.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        item("import", i);
        Import imp;
        imp.offset = r.offset();
        imp.module = r.name("module name");
        imp.field = r.name("field name");
        const std::size_t kind_at = r.offset();
        const std::uint8_t kind = r.u8();
        switch (kind) {
            case 0: {
                const std::size_t at = r.offset();
                imp.type_index = r.u32();
                check_type_index(r, at, imp.type_index);
                m_.function_imports.push_back(static_cast<std::uint32_t>(m_.imports.size()));
                ++m_.imported_functions;
                break;
            }
            case 1: {
                const std::size_t at = r.offset();
                const std::uint8_t ref = r.u8();
                if (ref != 0x70 && ref != 0x6f) {
                    r.fail(
                        DecodeErrorKind::unsupported, at,
                        "table element type 0x" + hex_byte(ref) + " at offset " + hex_offset(at));
                }
                limits(r);
                break;
            }
            case 2:
                limits(r);
                break;
            case 3: {
                (void)value_type(r);
                const std::size_t at = r.offset();
                if (r.u8() > 1) {
                    r.fail(DecodeErrorKind::malformed, at,
                           "global mutability at offset " + hex_offset(at) + " is neither 0 nor 1");
                }
                break;
            }
            case 4: {
                (void)r.u8();  // attribute: 0 = exception
                const std::size_t at = r.offset();
                imp.type_index = r.u32();
                check_type_index(r, at, imp.type_index);
                break;
            }
            default:
                r.fail(DecodeErrorKind::malformed, kind_at,
                       "import kind " + std::to_string(kind) + " at offset " + hex_offset(kind_at) +
                           " is not 0-4");
        }
        imp.kind = static_cast<ExternalKind>(kind);
        m_.imports.push_back(std::move(imp));
    }
}

void ModuleReader::read_functions(ByteReader& r) {
    current_id_ = 3;
    const std::uint32_t n = r.count("function");
    m_.function_types.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        item("function", i);
        const std::size_t at = r.offset();
        const std::uint32_t t = r.u32();
        check_type_index(r, at, t);
        m_.function_types.push_back(t);
    }
}

void ModuleReader::read_exports(ByteReader& r) {
    current_id_ = 7;
    const std::uint32_t n = r.count("export", 3);
    m_.exports.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        item("export", i);
        Export e;
        e.name = r.name("export name");
        const std::size_t at = r.offset();
        const std::uint8_t kind = r.u8();
        if (kind > 4) {
            r.fail(DecodeErrorKind::malformed, at,
                   "export kind " + std::to_string(kind) + " at offset " + hex_offset(at) +
                       " is not 0-4");
        }
        e.kind = static_cast<ExternalKind>(kind);
        e.index = r.u32();
        m_.exports.push_back(std::move(e));
    }
}

void ModuleReader::read_code(ByteReader& r) {
    current_id_ = 10;
    const std::size_t at = r.offset();
    const std::uint32_t n = r.count("function body", 3);
    if (n != m_.function_types.size()) {
        r.fail(DecodeErrorKind::malformed, at,
               "count at offset " + hex_offset(at) + " says " + std::to_string(n) +
                   " function bodies but the function section declares " +
                   std::to_string(m_.function_types.size()));
    }
    m_.bodies.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        item("body", i);
        FunctionBody body;
        body.offset = r.offset();
        const std::uint32_t size = r.u32();
        const std::size_t start = r.offset();
        if (size == 0) {
            r.fail(DecodeErrorKind::malformed, body.offset,
                   "size 0 at offset " + hex_offset(body.offset) +
                       " (a body needs at least its locals count and `end`)");
        }
        ByteReader b(r.bytes(size, "function body"), start);
        const std::uint32_t groups = b.count("local group", 2);
        for (std::uint32_t g = 0; g < groups; ++g) {
            const std::size_t gat = b.offset();
            body.local_count += b.u32();
            (void)value_type(b);
            if (body.local_count > kMaxLocals) {
                b.fail(DecodeErrorKind::limit, gat,
                       "declares more than " + std::to_string(kMaxLocals) + " locals (at offset " +
                           hex_offset(gat) + ")");
            }
        }
        body.code_offset = b.offset();
        body.code = b.bytes(b.remaining(), "instructions");
        if (body.code.empty() || body.code.back() != 0x0b) {
            b.fail(DecodeErrorKind::malformed, start + size,
                   "does not end with `end` (0x0b) at offset " +
                       hex_offset(start + size - (body.code.empty() ? 0 : 1)));
        }
        m_.bodies.push_back(std::move(body));
    }
}

// A constant expression; returns its value when it is a lone i32.const or i64.const.
std::optional<std::uint64_t> ModuleReader::const_expr(ByteReader& r) {
    std::optional<std::uint64_t> value;
    for (int n = 0;; ++n) {
        const std::size_t at = r.offset();
        const std::uint8_t op = r.u8();
        switch (op) {
            case 0x0b:
                return n == 1 ? value : std::nullopt;
            case 0x41:
                value = static_cast<std::uint32_t>(r.sleb(32));
                break;
            case 0x42:
                value = static_cast<std::uint64_t>(r.sleb(64));
                break;
            case 0x43:
                r.skip(4, "f32 constant");
                break;
            case 0x44:
                r.skip(8, "f64 constant");
                break;
            case 0x23:
            case 0xd2:
                (void)r.u32();
                break;  // global.get, ref.func
            case 0xd0:
                (void)r.sleb(33);
                break;  // ref.null heaptype
            case 0x6a:
            case 0x6b:
            case 0x6c:
            case 0x7c:
            case 0x7d:
            case 0x7e:
                break;
            default:
                r.fail(DecodeErrorKind::malformed, at,
                       "opcode 0x" + hex_byte(op) + " at offset " + hex_offset(at) +
                           " is not allowed in a constant expression");
        }
    }
}

void ModuleReader::read_data(ByteReader& r) {
    current_id_ = 11;
    const std::uint32_t n = r.count("data segment", 2);
    m_.data.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        item("segment", i);
        DataSegment seg;
        const std::size_t at = r.offset();
        const std::uint32_t flags = r.u32();
        if (flags > 2) {
            r.fail(DecodeErrorKind::malformed, at,
                   "segment flags " + std::to_string(flags) + " at offset " + hex_offset(at) +
                       " are not 0, 1 or 2");
        }
        seg.active = flags != 1;
        if (flags == 2) seg.memory = r.u32();
        if (seg.active) seg.address = const_expr(r);
        const std::uint32_t len = r.u32();
        seg.offset = r.offset();
        seg.bytes = r.bytes(len, "data segment");
        m_.data.push_back(seg);
    }
}

}  // namespace netdiag::proto::wasm
