// Counts what a receiver got, per stream: how many datagrams, lost, duplicated, reordered, and
// "unsegmented" ones (a whole batch that arrived as one large datagram because the sender's
// segmentation request was ignored). Pure: the in-process receiver and `netdiag peer` both feed
// it the datagrams they read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

namespace netdiag::probes::udp_batch {

struct StreamReport {
    std::uint32_t stream = 0;
    std::uint64_t expected = 0;   // datagrams the sender says it sent (0 = unknown)
    std::uint64_t datagrams = 0;  // datagrams read, as the socket returned them
    std::uint64_t bytes = 0;
    std::uint64_t delivered = 0;  // distinct sequence numbers seen
    std::uint64_t lost = 0;       // expected - delivered, when expected is known
    std::uint64_t duplicated = 0;
    std::uint64_t reordered = 0;            // arrived after a higher sequence number
    std::uint64_t unsegmented = 0;          // datagrams that held more than one segment
    std::uint64_t largest_unsegmented = 0;  // bytes of the largest of those
    std::uint64_t wrong_size = 0;  // size differs from the header's and is not a coalesced batch
};

nlohmann::json to_json(const StreamReport& report);
std::optional<StreamReport> stream_report_from_json(const nlohmann::json& json);

class DeliveryTally {
public:
    // Sets how many datagrams the sender sent on stream (makes `lost` meaningful).
    void expect(std::uint32_t stream, std::uint64_t count);
    // Counts one datagram exactly as read from the socket.
    void record(std::span<const std::byte> datagram);
    StreamReport report(std::uint32_t stream) const;
    std::uint64_t foreign() const { return foreign_; }  // datagrams without our header
    // Forgets all streams but the newest `keep` (bounds a long-running peer's memory).
    void trim(std::size_t keep);

private:
    struct Stream {
        StreamReport report;
        std::vector<bool> seen;
        std::optional<std::uint32_t> highest;
    };
    void mark(Stream& stream, std::uint32_t sequence);

    std::map<std::uint32_t, Stream> streams_;
    std::uint64_t foreign_ = 0;
};

}  // namespace netdiag::probes::udp_batch
