// The payload every udp-batch datagram carries, so a receiver (in process or `netdiag peer`)
// can count what arrived: a 16-byte header, then a filler pattern up to the datagram's size.
//   bytes 0-3   magic "NDUB"
//   bytes 4-7   stream id (one per trial), big-endian
//   bytes 8-11  sequence number within the stream, big-endian
//   bytes 12-15 the datagram's intended size in bytes, big-endian
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace netdiag::probes::udp_batch {

inline constexpr std::size_t kDatagramHeaderSize = 16;

struct DatagramHeader {
    std::uint32_t stream = 0;
    std::uint32_t sequence = 0;
    std::uint32_t size = 0;
};

// Writes a header at the start of out (which must hold kDatagramHeaderSize bytes).
void write_header(std::span<std::byte> out, const DatagramHeader& header);
// Reads a header; nullopt when the bytes are too short or the magic is wrong.
std::optional<DatagramHeader> read_header(std::span<const std::byte> in);

// A batch of `count` datagrams of `segment_size` bytes back to back, numbered from
// first_sequence. segment_size must be at least kDatagramHeaderSize.
std::vector<std::byte> make_batch(std::uint32_t stream, std::uint32_t first_sequence,
                                  std::size_t count, std::size_t segment_size);
// Renumbers a batch made by make_batch in place (cheaper than building a new one).
void renumber_batch(std::span<std::byte> batch, std::size_t segment_size,
                    std::uint32_t first_sequence);

}  // namespace netdiag::probes::udp_batch
