// A one-way "it has happened" flag that another thread can wait on with a deadline: tests
// wait for the event itself instead of sleeping in a loop.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace netdiag::testing {

class ReadyFlag {
public:
    void set() {
        {
            std::lock_guard lock(mutex_);
            set_ = true;
        }
        changed_.notify_all();
    }
    bool is_set() const {
        std::lock_guard lock(mutex_);
        return set_;
    }
    // True once set; false when `limit` passed first.
    bool wait_for(std::chrono::milliseconds limit) const {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, limit, [this] { return set_; });
    }

private:
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    bool set_ = false;
};

}  // namespace netdiag::testing
