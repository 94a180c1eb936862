// The datagrams of the two-host multicast check (peer protocol version 2): 12 bytes, sent to
// the group and, as the control, to the other host's unicast address on the same port.
//   bytes 0-3  "NDMC"
//   byte  4    kind: 1 = sent to the group, 2 = sent to the unicast address
//   byte  5    0
//   bytes 6-7  sequence number, big-endian
//   bytes 8-11 token, big-endian (one per run and direction, so strays are not counted)
// Docs: docs/probes/multicast.md ("Two hosts").
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace netdiag::probes::udp_batch {

enum class TwoHostKind : std::uint8_t { multicast = 1, unicast = 2 };

struct TwoHostDatagram {
    TwoHostKind kind = TwoHostKind::multicast;
    std::uint16_t sequence = 0;
    std::uint32_t token = 0;
};

inline constexpr std::size_t kTwoHostDatagramSize = 12;

std::array<std::uint8_t, kTwoHostDatagramSize> encode_two_host(const TwoHostDatagram& d);
// nullopt with error set ("12 bytes expected, got 3", "not NDMC", "kind 7") for other bytes.
std::optional<TwoHostDatagram> parse_two_host(std::span<const std::uint8_t> bytes,
                                              std::string& error);

// Counts the distinct datagrams of one token by kind (a duplicate is counted once).
class TwoHostTally {
public:
    explicit TwoHostTally(std::uint32_t token) : token_(token) {}
    // True when the bytes were one of ours.
    bool add(std::span<const std::uint8_t> bytes);
    unsigned multicast() const { return multicast_; }
    unsigned unicast() const { return unicast_; }
    unsigned foreign() const { return foreign_; }
    bool complete(std::uint64_t count) const { return multicast_ >= count && unicast_ >= count; }

private:
    std::uint32_t token_;
    std::array<std::uint64_t, 2> seen_multicast_{};  // a bit per sequence below 128
    std::array<std::uint64_t, 2> seen_unicast_{};
    unsigned multicast_ = 0;
    unsigned unicast_ = 0;
    unsigned foreign_ = 0;
};

}  // namespace netdiag::probes::udp_batch
