#include "two_host_datagram.hpp"

#include <fmt/format.h>

namespace netdiag::probes::udp_batch {
namespace {

constexpr std::array<std::uint8_t, 4> kTwoHostMagic{'N', 'D', 'M', 'C'};

// Marks sequence in seen; true the first time.
bool first_time(std::array<std::uint64_t, 2>& seen, std::uint16_t sequence) {
    if (sequence >= 128) return false;  // the check never sends that many
    auto& word = seen[sequence / 64];
    const std::uint64_t bit = std::uint64_t{1} << (sequence % 64);
    if ((word & bit) != 0) return false;
    word |= bit;
    return true;
}

}  // namespace

std::array<std::uint8_t, kTwoHostDatagramSize> encode_two_host(const TwoHostDatagram& d) {
    return {kTwoHostMagic[0],
            kTwoHostMagic[1],
            kTwoHostMagic[2],
            kTwoHostMagic[3],
            static_cast<std::uint8_t>(d.kind),
            0,
            static_cast<std::uint8_t>(d.sequence >> 8),
            static_cast<std::uint8_t>(d.sequence & 0xff),
            static_cast<std::uint8_t>(d.token >> 24),
            static_cast<std::uint8_t>((d.token >> 16) & 0xff),
            static_cast<std::uint8_t>((d.token >> 8) & 0xff),
            static_cast<std::uint8_t>(d.token & 0xff)};
}

std::optional<TwoHostDatagram> parse_two_host(std::span<const std::uint8_t> bytes,
                                              std::string& error) {
    if (bytes.size() != kTwoHostDatagramSize) {
        error = fmt::format("{} bytes expected, got {}", kTwoHostDatagramSize, bytes.size());
        return std::nullopt;
    }
    if (!std::equal(kTwoHostMagic.begin(), kTwoHostMagic.end(), bytes.begin())) {
        error = "does not start with NDMC";
        return std::nullopt;
    }
    if (bytes[4] != 1 && bytes[4] != 2) {
        error = fmt::format("offset 4: kind {} (1 or 2 expected)", bytes[4]);
        return std::nullopt;
    }
    TwoHostDatagram d;
    d.kind = static_cast<TwoHostKind>(bytes[4]);
    d.sequence = static_cast<std::uint16_t>((bytes[6] << 8) | bytes[7]);
    d.token = (std::uint32_t{bytes[8]} << 24) | (std::uint32_t{bytes[9]} << 16) |
              (std::uint32_t{bytes[10]} << 8) | std::uint32_t{bytes[11]};
    return d;
}

bool TwoHostTally::add(std::span<const std::uint8_t> bytes) {
    std::string ignored;
    const auto d = parse_two_host(bytes, ignored);
    if (!d || d->token != token_) {
        ++foreign_;
        return false;
    }
    if (d->kind == TwoHostKind::multicast) {
        if (first_time(seen_multicast_, d->sequence)) ++multicast_;
    } else if (first_time(seen_unicast_, d->sequence)) {
        ++unicast_;
    }
    return true;
}

}  // namespace netdiag::probes::udp_batch
