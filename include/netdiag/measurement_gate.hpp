// Probes run side by side. A figure that needs the CPU and the network stack to itself
// (udp-batch's datagrams per second) is measured while its probe holds this gate alone; work
// that would disturb such a figure, or be disturbed by it (shared-accept starting workers and
// driving hundreds of connections, wasi-af reading a large module), holds it shared. Waiting on
// the network holds nothing, so a probe that mostly waits (multicast's Zenoh window, the SPICE
// watch) overlaps a measurement instead of being added to it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>

namespace netdiag {

// A readers-writer lock with deadlines, on a mutex and a condition variable. Not
// std::shared_timed_mutex: the mingw-w64 build maps that to winpthreads' rwlock, whose timed
// write lock, after timing out under load, once let a writer in beside a reader (a measurement
// ran during heavy work under Wine). Readers go first: shared work is never held back by a
// measurement that waits, only by one that runs, so a measurement starts once the heavy work
// of the run is done (as glibc's default rwlock behaves). Meets the standard's SharedTimedMutex
// requirements for std::unique_lock and std::shared_lock.
class MeasurementGate {
public:
    void lock();
    bool try_lock();
    bool try_lock_until(std::chrono::steady_clock::time_point until);
    void unlock();

    void lock_shared();
    bool try_lock_shared();
    bool try_lock_shared_until(std::chrono::steady_clock::time_point until);
    void unlock_shared();

    // Any clock: the deadline is converted to steady time once.
    template <typename Clock, typename Duration>
    bool try_lock_until(std::chrono::time_point<Clock, Duration> until) {
        return try_lock_until(to_steady(until));
    }
    template <typename Clock, typename Duration>
    bool try_lock_shared_until(std::chrono::time_point<Clock, Duration> until) {
        return try_lock_shared_until(to_steady(until));
    }

private:
    template <typename Clock, typename Duration>
    static std::chrono::steady_clock::time_point to_steady(
        std::chrono::time_point<Clock, Duration> until) {
        return std::chrono::steady_clock::now() +
               std::chrono::duration_cast<std::chrono::steady_clock::duration>(until -
                                                                               Clock::now());
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    int readers_ = 0;
    bool writer_ = false;
};

using MeasuringAlone = std::unique_lock<MeasurementGate>;
using WorkingAlongside = std::shared_lock<MeasurementGate>;

}  // namespace netdiag
