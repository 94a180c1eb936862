// A bounds-checked cursor over a WebAssembly binary: fixed-size reads and LEB128 integers with
// overflow checks. Every read either succeeds inside [begin, end) or throws DecodeFailure naming
// the file offset; nothing here allocates from a length it has not checked against what remains.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "proto/decoded.hpp"

namespace netdiag::proto::wasm {

// Why a read failed, the kinds every codec shares: `unsupported` is valid WebAssembly that this
// reader does not model (a proposal it does not know); `limit` is a size netdiag refuses to
// handle (nesting depth, local count) to stay bounded on hostile input.
using proto::DecodeErrorKind;

// Thrown inside the reader, deep in nested sections and bodies; read_module turns it into the
// codecs' result (proto::Decoded), and the linter catches it per function body.
class DecodeFailure : public std::runtime_error {
public:
    DecodeFailure(DecodeErrorKind kind, std::size_t offset, const std::string& what)
        : std::runtime_error(what), kind_(kind), offset_(offset) {}
    DecodeErrorKind kind() const { return kind_; }
    std::size_t offset() const { return offset_; }

private:
    DecodeErrorKind kind_;
    std::size_t offset_;
};

// "0x1a4"
std::string hex_offset(std::size_t offset);

class ByteReader {
public:
    // `base` is the file offset of data[0], so messages name offsets in the whole file.
    ByteReader(std::span<const std::uint8_t> data, std::size_t base = 0)
        : data_(data), base_(base) {}

    std::size_t offset() const { return base_ + pos_; }  // file offset of the next byte
    std::size_t remaining() const { return data_.size() - pos_; }
    bool at_end() const { return pos_ == data_.size(); }

    std::uint8_t u8() {
        need(1, "byte");
        return data_[pos_++];
    }
    std::uint32_t u32_fixed() {
        need(4, "u32");
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= std::uint32_t{data_[pos_ + i]} << (8 * i);
        pos_ += 4;
        return v;
    }
    // Unsigned LEB128 of at most `bits` bits (32 or 64). Most immediates fit in one byte: that
    // case is read here, inline, the rest with all the checks in uleb_long.
    std::uint64_t uleb(unsigned bits) {
        if (pos_ < data_.size() && data_[pos_] < 0x80) return data_[pos_++];
        return uleb_long(bits);
    }
    // Signed LEB128 of at most `bits` bits (32, 33 or 64); bit 6 of a one-byte value is its sign.
    std::int64_t sleb(unsigned bits) {
        if (pos_ < data_.size() && data_[pos_] < 0x80) {
            const std::uint8_t byte = data_[pos_++];
            return (byte & 0x40) != 0 ? static_cast<std::int64_t>(byte) - 0x80 : byte;
        }
        return sleb_long(bits);
    }
    std::uint32_t u32() { return static_cast<std::uint32_t>(uleb(32)); }

    // A sub-span of `n` bytes, checked against what remains.
    std::span<const std::uint8_t> bytes(std::uint64_t n, std::string_view what);
    void skip(std::uint64_t n, std::string_view what) { (void)bytes(n, what); }
    // A WebAssembly `name`: u32 length then UTF-8 bytes (validated).
    std::string name(std::string_view what);
    // A vector count, bounded by what remains: every element takes at least `min_element_size`
    // bytes, so a count larger than remaining()/min_element_size cannot be honest.
    std::uint32_t count(std::string_view what, std::size_t min_element_size = 1);

    [[noreturn]] void fail(DecodeErrorKind kind, std::size_t at, const std::string& what) const;
    [[noreturn]] void truncated(std::string_view what) const;

private:
    std::uint64_t uleb_long(unsigned bits);
    std::int64_t sleb_long(unsigned bits);
    void need(std::size_t n, std::string_view what) const {
        if (remaining() < n) truncated(what);
    }

    std::span<const std::uint8_t> data_;
    std::size_t base_;
    std::size_t pos_ = 0;
};

bool is_valid_utf8(std::span<const std::uint8_t> bytes);

}  // namespace netdiag::proto::wasm
