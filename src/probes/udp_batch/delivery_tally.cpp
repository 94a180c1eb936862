#include "delivery_tally.hpp"

#include "datagram_payload.hpp"

namespace netdiag::probes::udp_batch {
namespace {

// Sequence numbers beyond this are counted but not tracked for duplicates (bounds memory).
constexpr std::uint32_t kMaxTrackedSequence = 1u << 23;

}  // namespace

nlohmann::json to_json(const StreamReport& r) {
    return {{"stream", r.stream},           {"expected", r.expected},
            {"datagrams", r.datagrams},     {"bytes", r.bytes},
            {"delivered", r.delivered},     {"lost", r.lost},
            {"duplicated", r.duplicated},   {"reordered", r.reordered},
            {"unsegmented", r.unsegmented}, {"largest_unsegmented", r.largest_unsegmented},
            {"wrong_size", r.wrong_size}};
}

std::optional<StreamReport> stream_report_from_json(const nlohmann::json& json) {
    if (!json.is_object()) return std::nullopt;
    StreamReport r;
    try {
        r.stream = json.at("stream").get<std::uint32_t>();
        r.expected = json.at("expected").get<std::uint64_t>();
        r.datagrams = json.at("datagrams").get<std::uint64_t>();
        r.bytes = json.at("bytes").get<std::uint64_t>();
        r.delivered = json.at("delivered").get<std::uint64_t>();
        r.lost = json.at("lost").get<std::uint64_t>();
        r.duplicated = json.at("duplicated").get<std::uint64_t>();
        r.reordered = json.at("reordered").get<std::uint64_t>();
        r.unsegmented = json.at("unsegmented").get<std::uint64_t>();
        r.largest_unsegmented = json.at("largest_unsegmented").get<std::uint64_t>();
        r.wrong_size = json.at("wrong_size").get<std::uint64_t>();
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
    return r;
}

void DeliveryTally::expect(std::uint32_t stream, std::uint64_t count) {
    auto& entry = streams_[stream];
    entry.report.stream = stream;
    entry.report.expected = count;
}

void DeliveryTally::mark(Stream& stream, std::uint32_t sequence) {
    if (sequence < kMaxTrackedSequence) {
        if (stream.seen.size() <= sequence) stream.seen.resize(std::size_t{sequence} + 1024);
        if (stream.seen[sequence]) {
            ++stream.report.duplicated;
            return;
        }
        stream.seen[sequence] = true;
    }
    ++stream.report.delivered;
    if (stream.highest && sequence < *stream.highest) ++stream.report.reordered;
    if (!stream.highest || sequence > *stream.highest) stream.highest = sequence;
}

void DeliveryTally::record(std::span<const std::byte> datagram) {
    const auto header = read_header(datagram);
    if (!header) {
        ++foreign_;
        return;
    }
    auto& stream = streams_[header->stream];
    stream.report.stream = header->stream;
    ++stream.report.datagrams;
    stream.report.bytes += datagram.size();
    const std::size_t segment = header->size;
    if (datagram.size() == segment || segment < kDatagramHeaderSize) {
        mark(stream, header->sequence);
        return;
    }
    // Larger than one segment with another of our headers where the next segment would start:
    // the batch was delivered as one datagram. Its segments did arrive, so count them.
    if (datagram.size() > segment && read_header(datagram.subspan(segment))) {
        ++stream.report.unsegmented;
        if (datagram.size() > stream.report.largest_unsegmented) {
            stream.report.largest_unsegmented = datagram.size();
        }
        for (std::size_t at = 0; at + kDatagramHeaderSize <= datagram.size(); at += segment) {
            if (const auto inner = read_header(datagram.subspan(at))) mark(stream, inner->sequence);
        }
        return;
    }
    ++stream.report.wrong_size;
    mark(stream, header->sequence);
}

StreamReport DeliveryTally::report(std::uint32_t stream) const {
    const auto found = streams_.find(stream);
    if (found == streams_.end()) return StreamReport{stream};
    StreamReport r = found->second.report;
    r.lost = r.expected > r.delivered ? r.expected - r.delivered : 0;
    return r;
}

void DeliveryTally::trim(std::size_t keep) {
    while (streams_.size() > keep) streams_.erase(streams_.begin());
}

}  // namespace netdiag::probes::udp_batch
