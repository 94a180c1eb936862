#include "netdiag/measurement_gate.hpp"

namespace netdiag {

void MeasurementGate::lock() {
    std::unique_lock guard(mutex_);
    changed_.wait(guard, [this] { return !writer_ && readers_ == 0; });
    writer_ = true;
}

bool MeasurementGate::try_lock() {
    const std::lock_guard guard(mutex_);
    if (writer_ || readers_ > 0) return false;
    writer_ = true;
    return true;
}

bool MeasurementGate::try_lock_until(std::chrono::steady_clock::time_point until) {
    std::unique_lock guard(mutex_);
    if (!changed_.wait_until(guard, until, [this] { return !writer_ && readers_ == 0; })) {
        return false;
    }
    writer_ = true;
    return true;
}

void MeasurementGate::unlock() {
    {
        const std::lock_guard guard(mutex_);
        writer_ = false;
    }
    changed_.notify_all();
}

void MeasurementGate::lock_shared() {
    std::unique_lock guard(mutex_);
    changed_.wait(guard, [this] { return !writer_; });
    ++readers_;
}

bool MeasurementGate::try_lock_shared() {
    const std::lock_guard guard(mutex_);
    if (writer_) return false;
    ++readers_;
    return true;
}

bool MeasurementGate::try_lock_shared_until(std::chrono::steady_clock::time_point until) {
    std::unique_lock guard(mutex_);
    if (!changed_.wait_until(guard, until, [this] { return !writer_; })) {
        return false;
    }
    ++readers_;
    return true;
}

void MeasurementGate::unlock_shared() {
    bool last = false;
    {
        const std::lock_guard guard(mutex_);
        last = --readers_ == 0;
    }
    if (last) changed_.notify_all();
}

}  // namespace netdiag
