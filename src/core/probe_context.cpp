#include "netdiag/probe.hpp"

#include <algorithm>

namespace netdiag {

ProbeContext::ProbeContext(std::string probe_id, const platform::HostSnapshot& host,
                           const ProbeOptions& options,
                           std::chrono::steady_clock::time_point deadline,
                           const std::atomic<bool>& cancel_flag, ProgressSink progress,
                           std::shared_ptr<MeasurementGate> gate)
    : probe_id_(std::move(probe_id)),
      host_(host),
      options_(options),
      deadline_(deadline),
      cancel_flag_(cancel_flag),
      progress_(std::move(progress)),
      gate_(gate ? std::move(gate) : std::make_shared<MeasurementGate>()) {}

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

namespace {

// Waits in short slices so an interrupt is seen within one, never past the deadline.
template <typename Lock>
Lock wait_for_gate(Lock lock, const ProbeContext& context, std::chrono::milliseconds& waited) {
    constexpr auto slice = std::chrono::milliseconds(50);
    const auto asked = std::chrono::steady_clock::now();
    while (!context.cancelled()) {
        const auto until = std::min(context.deadline(), std::chrono::steady_clock::now() + slice);
        if (lock.try_lock_until(until)) break;
    }
    waited += std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - asked);
    return lock;
}

}  // namespace

MeasuringAlone ProbeContext::measure_alone() const {
    return wait_for_gate(MeasuringAlone(*gate_, std::defer_lock), *this, gate_wait_);
}

WorkingAlongside ProbeContext::work_alongside() const {
    return wait_for_gate(WorkingAlongside(*gate_, std::defer_lock), *this, gate_wait_);
}

}  // namespace netdiag
