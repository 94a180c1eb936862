#include "probes/wasi_af/value_ops.hpp"

#include <bit>

namespace netdiag::probes::wasi_af {
namespace {

std::int64_t from32(std::uint32_t v) {
    return static_cast<std::int64_t>(v);
}
std::int64_t from64(std::uint64_t v) {
    return static_cast<std::int64_t>(v);
}
std::int64_t truth(bool b) {
    return b ? 1 : 0;
}

bool is_i32_op(std::uint32_t code) {
    return code <= 0x4f || (code >= 0x67 && code <= 0x78);
}

// Keeps an i32 pointer offset in the signed 32-bit range, as wasm32 arithmetic wraps.
std::int64_t wrap_offset(std::int64_t v) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
}

}  // namespace

std::optional<std::int64_t> fold(std::uint32_t code, std::uint64_t a, std::uint64_t b) {
    const auto a32 = static_cast<std::uint32_t>(a), b32 = static_cast<std::uint32_t>(b);
    const auto s32a = static_cast<std::int32_t>(a32), s32b = static_cast<std::int32_t>(b32);
    const auto sa = static_cast<std::int64_t>(a), sb = static_cast<std::int64_t>(b);
    switch (code) {
        case 0x46:
            return truth(a32 == b32);
        case 0x47:
            return truth(a32 != b32);
        case 0x48:
            return truth(s32a < s32b);
        case 0x49:
            return truth(a32 < b32);
        case 0x4a:
            return truth(s32a > s32b);
        case 0x4b:
            return truth(a32 > b32);
        case 0x4c:
            return truth(s32a <= s32b);
        case 0x4d:
            return truth(a32 <= b32);
        case 0x4e:
            return truth(s32a >= s32b);
        case 0x4f:
            return truth(a32 >= b32);
        case 0x51:
            return truth(a == b);
        case 0x52:
            return truth(a != b);
        case 0x53:
            return truth(sa < sb);
        case 0x54:
            return truth(a < b);
        case 0x55:
            return truth(sa > sb);
        case 0x56:
            return truth(a > b);
        case 0x57:
            return truth(sa <= sb);
        case 0x58:
            return truth(a <= b);
        case 0x59:
            return truth(sa >= sb);
        case 0x5a:
            return truth(a >= b);
        case 0x6a:
            return from32(a32 + b32);
        case 0x6b:
            return from32(a32 - b32);
        case 0x6c:
            return from32(a32 * b32);
        case 0x6d:
            if (b32 == 0 || (s32a == INT32_MIN && s32b == -1)) return std::nullopt;
            return from32(static_cast<std::uint32_t>(s32a / s32b));
        case 0x6e:
            if (b32 == 0) return std::nullopt;
            return from32(a32 / b32);
        case 0x6f:
            if (b32 == 0 || s32b == -1) return std::nullopt;
            return from32(static_cast<std::uint32_t>(s32a % s32b));
        case 0x70:
            if (b32 == 0) return std::nullopt;
            return from32(a32 % b32);
        case 0x71:
            return from32(a32 & b32);
        case 0x72:
            return from32(a32 | b32);
        case 0x73:
            return from32(a32 ^ b32);
        case 0x74:
            return from32(a32 << (b32 & 31));
        case 0x75:
            return from32(static_cast<std::uint32_t>(s32a >> (b32 & 31)));
        case 0x76:
            return from32(a32 >> (b32 & 31));
        case 0x77:
            return from32(std::rotl(a32, static_cast<int>(b32 & 31)));
        case 0x78:
            return from32(std::rotr(a32, static_cast<int>(b32 & 31)));
        case 0x7c:
            return from64(a + b);
        case 0x7d:
            return from64(a - b);
        case 0x7e:
            return from64(a * b);
        case 0x80:
            if (b == 0) return std::nullopt;
            return from64(a / b);
        case 0x82:
            if (b == 0) return std::nullopt;
            return from64(a % b);
        case 0x83:
            return from64(a & b);
        case 0x84:
            return from64(a | b);
        case 0x85:
            return from64(a ^ b);
        case 0x86:
            return from64(a << (b & 63));
        case 0x87:
            return sa >> (b & 63);
        case 0x88:
            return from64(a >> (b & 63));
        case 0x89:
            return from64(std::rotl(a, static_cast<int>(b & 63)));
        case 0x8a:
            return from64(std::rotr(a, static_cast<int>(b & 63)));
        default:
            return std::nullopt;
    }
}

AbsVal binary_op(std::uint32_t code, const AbsVal& a, const AbsVal& b) {
    if (a.is_const() && b.is_const()) {
        if (auto v = fold(code, static_cast<std::uint64_t>(a.value),
                          static_cast<std::uint64_t>(b.value))) {
            return AbsVal::constant(*v);
        }
        return AbsVal::unknown();
    }
    const bool add = code == 0x6a || code == 0x7c, sub = code == 0x6b || code == 0x7d;
    auto moved = [&](const AbsVal& p, std::int64_t by) {
        return AbsVal::pointer(p.ref, is_i32_op(code) ? wrap_offset(p.value + by) : p.value + by);
    };
    if (add && a.is_pointer() && b.is_const()) return moved(a, b.value);
    if (add && a.is_const() && b.is_pointer()) return moved(b, a.value);
    if (sub && a.is_pointer() && b.is_const()) return moved(a, -b.value);
    if (a.is_pointer() && b.is_pointer() && a.ref == b.ref) {
        // Same base: the difference and the comparisons are those of the offsets.
        if (sub) return AbsVal::constant(from32(static_cast<std::uint32_t>(a.value - b.value)));
        if (auto v = fold(code, static_cast<std::uint64_t>(a.value),
                          static_cast<std::uint64_t>(b.value));
            v && code >= 0x46 && code <= 0x5a && code != 0x50) {
            return AbsVal::constant(*v);
        }
    }
    if (a.is_unknown()) return a;
    if (b.is_unknown()) return b;
    return AbsVal::unknown();
}

AbsVal unary_op(std::uint32_t code, const AbsVal& v) {
    if (!v.is_const()) {
        if ((code == 0xa7 || code == 0xad) && v.is_pointer()) return v;  // wrap / extend_u
        if (v.is_unknown()) return v;
        return AbsVal::unknown();
    }
    const auto u = static_cast<std::uint64_t>(v.value);
    const auto u32 = static_cast<std::uint32_t>(u);
    switch (code) {
        case 0x45:
            return AbsVal::constant(truth(u32 == 0));
        case 0x50:
            return AbsVal::constant(truth(u == 0));
        case 0xa7:
            return AbsVal::constant(from32(u32));  // i32.wrap_i64
        case 0xac:
            return AbsVal::constant(static_cast<std::int32_t>(u32));  // i64.extend_i32_s
        case 0xad:
            return AbsVal::constant(from32(u32));
        case 0xc0:
            return AbsVal::constant(
                from32(static_cast<std::uint32_t>(static_cast<std::int8_t>(u32))));
        case 0xc1:
            return AbsVal::constant(
                from32(static_cast<std::uint32_t>(static_cast<std::int16_t>(u32))));
        case 0xc2:
            return AbsVal::constant(static_cast<std::int8_t>(u));
        case 0xc3:
            return AbsVal::constant(static_cast<std::int16_t>(u));
        case 0xc4:
            return AbsVal::constant(static_cast<std::int32_t>(u));
        default:
            return AbsVal::unknown();
    }
}

std::uint8_t access_width(std::uint32_t code) {
    switch (code) {
        case 0x28:
        case 0x2a:
        case 0x36:
        case 0x38:
        case 0x3e:
        case 0x34:
        case 0x35:
            return 4;
        case 0x29:
        case 0x2b:
        case 0x37:
        case 0x39:
            return 8;
        case 0x2c:
        case 0x2d:
        case 0x30:
        case 0x31:
        case 0x3a:
        case 0x3c:
            return 1;
        default:
            return 2;  // the 16-bit loads and stores
    }
}

std::int64_t extend_loaded(std::uint32_t code, std::uint64_t raw) {
    switch (code) {
        case 0x2c:
            return from32(static_cast<std::uint32_t>(static_cast<std::int8_t>(raw)));
        case 0x2e:
            return from32(static_cast<std::uint32_t>(static_cast<std::int16_t>(raw)));
        case 0x30:
            return static_cast<std::int8_t>(raw);
        case 0x32:
            return static_cast<std::int16_t>(raw);
        case 0x34:
            return static_cast<std::int32_t>(raw);
        default:
            return static_cast<std::int64_t>(raw);
    }
}

bool is_unary_numeric(std::uint32_t code) {
    return code == 0x45 || code == 0x50 || (code >= 0x67 && code <= 0x69) ||
           (code >= 0x79 && code <= 0x7b) || (code >= 0x8b && code <= 0x91) ||
           (code >= 0x99 && code <= 0x9f) || code >= 0xa7;
}

std::string hex_code(std::uint32_t v) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    do {
        s.insert(s.begin(), digits[v & 15]);
        v >>= 4;
    } while (v != 0);
    return s;
}

}  // namespace netdiag::probes::wasi_af
