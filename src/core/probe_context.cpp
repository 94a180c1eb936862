#include "netdiag/probe.hpp"

namespace netdiag {

ProbeContext::ProbeContext(std::string probe_id, const platform::HostSnapshot& host,
                           const ProbeOptions& options,
                           std::chrono::steady_clock::time_point deadline,
                           const std::atomic<bool>& cancel_flag, ProgressSink progress)
    : probe_id_(std::move(probe_id)),
      host_(host),
      options_(options),
      deadline_(deadline),
      cancel_flag_(cancel_flag),
      progress_(std::move(progress)) {}

std::chrono::milliseconds ProbeContext::time_left() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline_ - std::chrono::steady_clock::now());
    return left.count() > 0 ? left : std::chrono::milliseconds{0};
}

bool ProbeContext::interrupted() const {
    return cancel_flag_.load() && std::chrono::steady_clock::now() < deadline_;
}

bool ProbeContext::cancelled() const {
    return cancel_flag_.load() || std::chrono::steady_clock::now() >= deadline_;
}

void ProbeContext::progress(std::string_view line) const {
    if (progress_) progress_(probe_id_, line);
}

}  // namespace netdiag
