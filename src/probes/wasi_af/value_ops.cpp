#include "probes/wasi_af/value_ops.hpp"

namespace netdiag::wasi_af {

std::optional<std::int64_t> fold(std::uint32_t code, std::uint64_t a, std::uint64_t b) {
    const auto a32 = static_cast<std::uint32_t>(a), b32 = static_cast<std::uint32_t>(b);
    auto i32 = [](std::uint32_t v) { return static_cast<std::int64_t>(v); };
    switch (code) {
        case 0x6a:
            return i32(a32 + b32);
        case 0x6b:
            return i32(a32 - b32);
        case 0x6c:
            return i32(a32 * b32);
        case 0x71:
            return i32(a32 & b32);
        case 0x72:
            return i32(a32 | b32);
        case 0x73:
            return i32(a32 ^ b32);
        case 0x74:
            return i32(a32 << (b32 & 31));
        case 0x76:
            return i32(a32 >> (b32 & 31));
        case 0x7c:
            return static_cast<std::int64_t>(a + b);
        case 0x7d:
            return static_cast<std::int64_t>(a - b);
        case 0x7e:
            return static_cast<std::int64_t>(a * b);
        case 0x83:
            return static_cast<std::int64_t>(a & b);
        case 0x84:
            return static_cast<std::int64_t>(a | b);
        case 0x85:
            return static_cast<std::int64_t>(a ^ b);
        case 0x86:
            return static_cast<std::int64_t>(a << (b & 63));
        case 0x88:
            return static_cast<std::int64_t>(a >> (b & 63));
        default:
            return std::nullopt;
    }
}

std::uint8_t access_width(std::uint32_t code) {
    switch (code) {
        case 0x28:
        case 0x2a:
        case 0x36:
        case 0x38:
        case 0x3e:
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
        case 0x35:
        case 0x34:
            return 4;  // i64.load32_s/u
        default:
            return 2;  // the 16-bit loads and stores
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

}  // namespace netdiag::wasi_af
