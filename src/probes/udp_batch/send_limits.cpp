#include "send_limits.hpp"

#include <vector>

namespace netdiag::probes::udp_batch {
namespace {

using platform::udp::SendPath;
using platform::udp::SendStatus;

// Small segments keep the segment-count search far below the byte limit; large ones keep the
// byte search far below the segment limit.
constexpr std::size_t kCountProbeSegment = 16;
constexpr std::size_t kMostSegmentsTried = 1024;
constexpr std::size_t kBytesProbeSegment = 2048;
constexpr std::size_t kMostBytesTried = 70000;

// Largest n in [low, high] for which accepts(n) holds, given accepts(low); the error of the
// first refused n goes to refusal.
template <typename Accepts>
std::size_t largest_accepted(std::size_t low, std::size_t high, Accepts&& accepts,
                             SysError& refusal, std::chrono::steady_clock::time_point deadline) {
    SysError error;
    if (accepts(high, error)) return high;
    refusal = error;
    while (high - low > 1 && std::chrono::steady_clock::now() < deadline) {
        const std::size_t middle = low + (high - low) / 2;
        if (accepts(middle, error)) {
            low = middle;
        } else {
            high = middle;
            refusal = error;
        }
    }
    return low;
}

}  // namespace

SendLimits discover_send_limits(platform::udp::Family family,
                                std::chrono::steady_clock::time_point deadline) {
    SendLimits limits;
    const platform::udp::Endpoint loopback{
        family == platform::udp::Family::ipv4 ? "127.0.0.1" : "::1", 0};
    platform::udp::UdpSocket sink;
    platform::udp::UdpSocket sender;
    if (auto error = sink.open(family); error || (error = sink.bind(loopback))) {
        limits.query_error = error;
        return limits;
    }
    if (auto error = sender.open(family)) {
        limits.query_error = error;
        return limits;
    }
    limits.query_error = sender.query_segmentation();
    limits.segmentation_known = !limits.query_error;
    const auto target = sink.local_endpoint();
    if (!target || sender.set_destination(*target)) return limits;

    std::vector<std::byte> payload(kMostBytesTried);
    auto send_of = [&](std::size_t bytes, std::size_t segment, SysError& error) {
        const auto outcome = sender.send(SendPath::segment_cmsg,
                                         std::span<const std::byte>(payload).first(bytes), segment);
        error = outcome.error;
        return outcome.status == SendStatus::accepted;
    };

    SysError error;
    if (!send_of(2 * kCountProbeSegment, kCountProbeSegment, error)) {
        limits.over_segments_error = error;  // not even two segments: no segmentation here
        return limits;
    }
    limits.max_segments = largest_accepted(
        2, kMostSegmentsTried,
        [&](std::size_t n, SysError& e) {
            return send_of(n * kCountProbeSegment, kCountProbeSegment, e);
        },
        limits.over_segments_error, deadline);
    limits.max_bytes = largest_accepted(
        kBytesProbeSegment, kMostBytesTried,
        [&](std::size_t n, SysError& e) { return send_of(n, kBytesProbeSegment, e); },
        limits.over_bytes_error, deadline);
    return limits;
}

}  // namespace netdiag::probes::udp_batch
