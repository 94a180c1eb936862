#include "proto/wasm/byte_reader.hpp"

#include <cstdio>

namespace netdiag::proto::wasm {

std::string hex_offset(std::size_t offset) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%zx", offset);
    return buf;
}

void ByteReader::fail(DecodeErrorKind kind, std::size_t at, const std::string& what) const {
    throw DecodeFailure(kind, at, what);
}

void ByteReader::truncated(std::string_view what) const {
    fail(DecodeErrorKind::malformed, offset(),
         "truncated at offset " + hex_offset(offset()) + " (reading " + std::string(what) + ", " +
             std::to_string(remaining()) + " bytes remain)");
}

std::uint64_t ByteReader::uleb_long(unsigned bits) {
    const std::size_t start = offset();
    std::uint64_t result = 0;
    unsigned shift = 0;
    // ceil(bits / 7) bytes at most; the last byte may only carry the bits that are left.
    const unsigned max_bytes = (bits + 6) / 7;
    for (unsigned i = 0; i < max_bytes; ++i) {
        if (at_end()) truncated(bits == 32 ? "LEB128 u32" : "LEB128 u64");
        const std::uint8_t byte = data_[pos_++];
        if (i == max_bytes - 1) {
            const unsigned used = bits - shift;  // payload bits the last byte may carry
            if ((byte & 0x80) != 0 || (used < 7 && (byte >> used) != 0)) {
                fail(DecodeErrorKind::malformed, start,
                     "LEB128 u" + std::to_string(bits) + " overflows at offset " +
                         hex_offset(start));
            }
        }
        result |= std::uint64_t{byte & 0x7fu} << shift;
        if ((byte & 0x80) == 0) return result;
        shift += 7;
    }
    return result;  // not reached: the last byte either returned or failed above
}

std::int64_t ByteReader::sleb_long(unsigned bits) {
    const std::size_t start = offset();
    std::uint64_t result = 0;
    unsigned shift = 0;
    const unsigned max_bytes = (bits + 6) / 7;
    for (unsigned i = 0; i < max_bytes; ++i) {
        if (at_end()) truncated("LEB128 s" + std::to_string(bits));
        const std::uint8_t byte = data_[pos_++];
        if (i == max_bytes - 1) {
            // The unused high bits of the last byte must all equal the sign bit.
            const unsigned used = bits - shift;
            bool ok = (byte & 0x80) == 0;
            if (ok && used < 7) {
                const int sign = (byte >> (used - 1)) & 1;
                const std::uint8_t high = static_cast<std::uint8_t>((byte & 0x7f) >> used);
                const std::uint8_t expect =
                    sign ? static_cast<std::uint8_t>(0x7f >> used) : std::uint8_t{0};
                ok = high == expect;
            }
            if (!ok) {
                fail(DecodeErrorKind::malformed, start,
                     "LEB128 s" + std::to_string(bits) + " overflows at offset " +
                         hex_offset(start));
            }
        }
        result |= std::uint64_t{byte & 0x7fu} << shift;
        shift += 7;
        if ((byte & 0x80) == 0) {
            if (shift < 64 && (byte & 0x40) != 0) result |= ~std::uint64_t{0} << shift;
            return static_cast<std::int64_t>(result);
        }
    }
    return static_cast<std::int64_t>(result);
}

std::span<const std::uint8_t> ByteReader::bytes(std::uint64_t n, std::string_view what) {
    if (n > remaining()) {
        fail(DecodeErrorKind::malformed, offset(),
             std::string(what) + " of " + std::to_string(n) + " bytes at offset " +
                 hex_offset(offset()) + " runs past the end (" + std::to_string(remaining()) +
                 " bytes remain)");
    }
    auto out = data_.subspan(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return out;
}

std::string ByteReader::name(std::string_view what) {
    const std::size_t start = offset();
    const std::uint32_t len = u32();
    auto raw = bytes(len, what);
    if (!is_valid_utf8(raw)) {
        fail(DecodeErrorKind::malformed, start,
             std::string(what) + " at offset " + hex_offset(start) + " is not valid UTF-8");
    }
    return std::string(reinterpret_cast<const char*>(raw.data()), raw.size());
}

std::uint32_t ByteReader::count(std::string_view what, std::size_t min_element_size) {
    const std::size_t start = offset();
    const std::uint32_t n = u32();
    if (min_element_size > 0 && n > remaining() / min_element_size) {
        fail(DecodeErrorKind::malformed, start,
             std::string(what) + " count " + std::to_string(n) + " at offset " + hex_offset(start) +
                 " cannot fit in the " + std::to_string(remaining()) + " bytes that remain");
    }
    return n;
}

bool is_valid_utf8(std::span<const std::uint8_t> s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const std::uint8_t c = s[i];
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            len = 2;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (s.size() - i < len) return false;
        for (std::size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
            return false;
        }
        i += len;
    }
    return true;
}

}  // namespace netdiag::proto::wasm
