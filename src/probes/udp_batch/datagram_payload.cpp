#include "datagram_payload.hpp"

#include <algorithm>

namespace netdiag::probes::udp_batch {
namespace {

constexpr std::byte kPayloadMagic[4] = {std::byte{'N'}, std::byte{'D'}, std::byte{'U'},
                                        std::byte{'B'}};

void put_u32(std::span<std::byte> out, std::size_t at, std::uint32_t value) {
    for (int i = 0; i < 4; ++i) {
        out[at + static_cast<std::size_t>(i)] = static_cast<std::byte>(value >> (24 - 8 * i));
    }
}

std::uint32_t get_u32(std::span<const std::byte> in, std::size_t at) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i)
        value = (value << 8) | std::to_integer<std::uint32_t>(in[at + i]);
    return value;
}

}  // namespace

void write_header(std::span<std::byte> out, const DatagramHeader& header) {
    std::copy(std::begin(kPayloadMagic), std::end(kPayloadMagic), out.begin());
    put_u32(out, 4, header.stream);
    put_u32(out, 8, header.sequence);
    put_u32(out, 12, header.size);
}

std::optional<DatagramHeader> read_header(std::span<const std::byte> in) {
    if (in.size() < kDatagramHeaderSize ||
        !std::equal(std::begin(kPayloadMagic), std::end(kPayloadMagic), in.begin())) {
        return std::nullopt;
    }
    return DatagramHeader{get_u32(in, 4), get_u32(in, 8), get_u32(in, 12)};
}

std::vector<std::byte> make_batch(std::uint32_t stream, std::uint32_t first_sequence,
                                  std::size_t count, std::size_t segment_size) {
    std::vector<std::byte> batch(count * segment_size);
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i] = static_cast<std::byte>(i * 7 + 3);
    for (std::size_t i = 0; i < count; ++i) {
        write_header(std::span(batch).subspan(i * segment_size),
                     {stream, first_sequence + static_cast<std::uint32_t>(i),
                      static_cast<std::uint32_t>(segment_size)});
    }
    return batch;
}

void renumber_batch(std::span<std::byte> batch, std::size_t segment_size,
                    std::uint32_t first_sequence) {
    for (std::size_t at = 0, i = 0; at + kDatagramHeaderSize <= batch.size();
         at += segment_size, ++i) {
        put_u32(batch, at + 8, first_sequence + static_cast<std::uint32_t>(i));
    }
}

}  // namespace netdiag::probes::udp_batch
