// Little-endian readers and writers over byte spans, bounds-checked. SPICE puts every integer
// on the wire little-endian, whatever the host is, so the codec never copies structs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace netdiag::proto::spice {

class ByteReader {
public:
    explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

    std::size_t offset() const { return offset_; }
    std::size_t remaining() const { return bytes_.size() - offset_; }
    bool has(std::size_t count) const { return remaining() >= count; }

    // Each read requires has(N) first; reading past the end is a programming error, so the
    // readers clamp to zero rather than touch memory they do not own.
    std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)); }
    std::uint16_t u16() { return static_cast<std::uint16_t>(take(2)); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(take(4)); }
    std::uint64_t u64() { return take(8); }
    std::span<const std::uint8_t> bytes(std::size_t count) {
        if (!has(count)) return {};
        auto out = bytes_.subspan(offset_, count);
        offset_ += count;
        return out;
    }
    void skip(std::size_t count) { offset_ += has(count) ? count : remaining(); }

private:
    std::uint64_t take(std::size_t width) {
        if (!has(width)) {
            offset_ = bytes_.size();
            return 0;
        }
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < width; ++i) {
            value |= static_cast<std::uint64_t>(bytes_[offset_ + i]) << (8 * i);
        }
        offset_ += width;
        return value;
    }

    std::span<const std::uint8_t> bytes_;
    std::size_t offset_ = 0;
};

class ByteWriter {
public:
    void u8(std::uint8_t v) { out_.push_back(v); }
    void u16(std::uint16_t v) { put(v, 2); }
    void u32(std::uint32_t v) { put(v, 4); }
    void u64(std::uint64_t v) { put(v, 8); }
    void bytes(std::span<const std::uint8_t> data) {
        out_.insert(out_.end(), data.begin(), data.end());
    }

    std::size_t size() const { return out_.size(); }
    std::vector<std::uint8_t>& buffer() { return out_; }
    std::vector<std::uint8_t> take() { return std::move(out_); }

private:
    void put(std::uint64_t v, std::size_t width) {
        for (std::size_t i = 0; i < width; ++i)
            out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
    std::vector<std::uint8_t> out_;
};

}  // namespace netdiag::proto::spice
