// How a batch of datagrams is sent, written once for every OS: validation, the segmentation
// option, bounded retries of a full queue, and what the OS did with the batch. The native calls
// come from the OS's UdpSocketShim.
#include <algorithm>
#include <string>

#include "netdiag/platform.hpp"
#include "platform/portable/udp_socket_shim.hpp"
#include "platform/same_socket_address.hpp"

namespace netdiag::platform::udp {
namespace {

// Transient "try again" answers (queue full) are waited out a bounded number of times.
constexpr std::size_t kMaxTransientRetries = 50;

// Collects what the calls of one send did.
class SendRun {
public:
    SendRun(UdpSocketShim& shim, SendOutcome& outcome) : shim_(shim), outcome_(outcome) {}

    // Calls fn until it succeeds or fails for a reason other than a full queue.
    template <typename Call>
    CallResult with_retries(Call&& call) {
        for (;;) {
            ++outcome_.syscalls;
            const CallResult result = call();
            if (result.count >= 0) return result;
            if (!shim_.is_transient(result.error) || outcome_.retries >= kMaxTransientRetries) {
                return result;
            }
            ++outcome_.retries;
            shim_.wait_for_queue_space(result.error);
        }
    }

    SendOutcome& fail(int error, std::string call) {
        outcome_.error = describe_native_error(error);
        outcome_.failed_call = std::move(call);
        return finish(false);
    }

    SendOutcome& finish(bool ok) {
        if (ok) {
            outcome_.status = SendStatus::accepted;
        } else {
            outcome_.status = outcome_.datagrams == 0 ? SendStatus::rejected : SendStatus::partial;
        }
        return outcome_;
    }

private:
    UdpSocketShim& shim_;
    SendOutcome& outcome_;
};

bool set_segment_option(UdpSocketShim& shim, SendSettings& settings, int value,
                        SendOutcome& outcome) {
    if (settings.segment_option == value) return true;
    ++outcome.syscalls;
    if (const int error = shim.set_option(SocketOption::segment_size, value); error != 0) {
        outcome.error = describe_native_error(error);
        outcome.failed_call = "setsockopt(" + std::string(shim.segment_option_name()) + "=" +
                              std::to_string(value) + ")";
        return false;
    }
    settings.segment_option = value;
    return true;
}

std::span<const std::byte> datagram_at(std::span<const std::byte> payload, std::size_t segment_size,
                                       std::size_t index) {
    const std::size_t offset = index * segment_size;
    return payload.subspan(offset, std::min(segment_size, payload.size() - offset));
}

}  // namespace

std::string_view to_string(SendPath path) {
    switch (path) {
        case SendPath::per_datagram:
            return "per-datagram";
        case SendPath::multi_message:
            return "multi-message";
        case SendPath::segment_cmsg:
            return "segmentation-cmsg";
        case SendPath::segment_sockopt:
            return "segmentation-sockopt";
    }
    return "unknown";
}

std::string_view native_call(SendPath path) {
    const auto index = static_cast<std::size_t>(path);
    return index < std::size(native_send_calls) ? native_send_calls[index] : "unknown";
}

std::string_view to_string(SendStatus status) {
    switch (status) {
        case SendStatus::accepted:
            return "accepted";
        case SendStatus::partial:
            return "partial";
        case SendStatus::rejected:
            return "rejected";
        case SendStatus::unsupported:
            return "unsupported";
    }
    return "unknown";
}

SendTarget SendSettings::target() const {
    const bool sends_connected =
        connected && !pinned && has_destination && same_socket_address(connected_to, destination);
    return SendTarget{sends_connected ? nullptr : &destination, pinned};
}

SendOutcome send_datagrams(UdpSocketShim& shim, SendSettings& settings, SendPath path,
                           std::span<const std::byte> payload, std::size_t segment_size) {
    SendOutcome outcome;
    if (!shim.supports(path)) {
        outcome.status = SendStatus::unsupported;
        return outcome;
    }
    if (!settings.has_destination || segment_size == 0 || segment_size > 65535 || payload.empty()) {
        outcome.status = SendStatus::rejected;
        outcome.error = describe_native_error(shim.invalid_argument());
        outcome.failed_call = "send (no destination or bad segment size)";
        return outcome;
    }
    SendRun run(shim, outcome);
    const std::size_t count = (payload.size() + segment_size - 1) / segment_size;
    const SendTarget target = settings.target();

    const int wanted_option =
        path == SendPath::segment_sockopt ? static_cast<int>(segment_size) : 0;
    if (!set_segment_option(shim, settings, wanted_option, outcome)) return run.finish(false);

    if (path == SendPath::per_datagram) {
        for (std::size_t i = 0; i < count; ++i) {
            const auto datagram = datagram_at(payload, segment_size, i);
            const CallResult result =
                run.with_retries([&] { return shim.send_one(datagram, target); });
            if (result.count < 0) return run.fail(result.error, shim.per_datagram_call(target));
            ++outcome.datagrams;
            outcome.bytes += static_cast<std::size_t>(result.count);
        }
        return run.finish(true);
    }

    if (path == SendPath::multi_message) {
        std::size_t done = 0;
        while (done < count) {
            const std::size_t batch = std::min(count - done, shim.max_messages_per_call());
            std::size_t bytes = 0;
            const CallResult result = run.with_retries([&] {
                return shim.send_many(payload.subspan(done * segment_size), segment_size, batch,
                                      target, bytes);
            });
            if (result.count <= 0) {
                return run.fail(result.error, "sendmmsg(" + std::to_string(batch) + " messages)");
            }
            outcome.bytes += bytes;
            done += static_cast<std::size_t>(result.count);
            outcome.datagrams = done;
        }
        return run.finish(true);
    }

    if (path == SendPath::segment_cmsg || path == SendPath::segment_sockopt) {
        const std::size_t cmsg_segment = path == SendPath::segment_cmsg ? segment_size : 0;
        const CallResult result = run.with_retries(
            [&] { return shim.send_segmented(payload, segment_size, cmsg_segment, target); });
        if (result.count < 0) {
            return run.fail(result.error, shim.segmented_call(path, target.pinned) + "(" +
                                              std::string(shim.segment_option_name()) +
                                              (path == SendPath::segment_cmsg ? " cmsg=" : "=") +
                                              std::to_string(segment_size) + ", " +
                                              std::to_string(count) + " segments" +
                                              (target.pinned ? ", IP_PKTINFO)" : ")"));
        }
        outcome.bytes = static_cast<std::size_t>(result.count);
        outcome.datagrams = (outcome.bytes + segment_size - 1) / segment_size;
        return run.finish(outcome.bytes == payload.size());
    }

    outcome.status = SendStatus::unsupported;
    return outcome;
}

}  // namespace netdiag::platform::udp
