// A group of N worker threads of netdiag on every OS, each running the pattern's loop (its own
// epoll set, completion port or WSAPoll) on the one listener, reporting into the group's table.
#include <deque>
#include <mutex>
#include <thread>

#include "platform/portable/accept_groups.hpp"

namespace netdiag::platform::accept {
namespace {

class TableSink final : public WorkerSink {
public:
    TableSink(std::mutex& mutex, WorkerResult& result) : mutex_(mutex), result_(result) {}
    void ready() override {
        const std::lock_guard lock(mutex_);
        result_.ready = true;
    }
    void failure(const std::string& step, const SysError& error) override {
        const std::lock_guard lock(mutex_);
        add_failure(result_.failures, {step, error, 1});
    }

private:
    std::mutex& mutex_;
    WorkerResult& result_;
};

class ThreadGroup final : public WorkerGroup {
public:
    ThreadGroup(std::shared_ptr<AcceptShim> shim, const GroupOptions& options,
                const PatternInfo& pattern, NativeSocket listener, Clock::time_point deadline)
        : shim_(std::move(shim)),
          pattern_(pattern),
          listener_(listener),
          stop_(shim_->make_stop_signal()) {
        result_.pattern = pattern.id;
        result_.port = shim_->local_port(listener);
        for (unsigned i = 0; i < options.workers; ++i) {
            auto& slot = slots_.emplace_back();
            slot.result.id = i;
            slot.sink = std::make_unique<TableSink>(mutex_, slot.result);
        }
        // The proactor case in order: each loop associates the listener with its completion
        // port and posts before the next one starts, so worker 0 holds the port and worker 1
        // meets the failure.
        const bool in_order = pattern.wait == "iocp-acceptex";
        const auto end = Clock::now() + options.worker_lifetime;
        for (auto& slot : slots_) {
            {
                const std::lock_guard lock(mutex_);
                if (listener_closed_) {
                    slot.result.end = WorkerEnd::never_started;
                    slot.result.end_detail = closed_note_;
                    continue;
                }
            }
            slot.thread = std::thread([this, &slot, reply = options.reply, end] {
                shim_->run_thread_worker({pattern_, listener_, slot.result.id, reply, end, *stop_,
                                          *slot.sink,
                                          [this, &slot] { close_listener_after(slot.result.id); }});
                const std::lock_guard lock(mutex_);
                slot.loop_ended = true;
            });
            if (in_order) wait_started(slot, deadline);
        }
    }

    ~ThreadGroup() override {
        if (!stopped_) stop(Clock::now());
    }

    std::uint16_t port() const override { return result_.port; }

    // As for processes: a thread is settled once it is ready, failed or its loop ended; it
    // counts as ready only while its loop still runs.
    bool wait_ready(Clock::time_point deadline) override {
        for (auto& slot : slots_) wait_started(slot, deadline);
        const std::lock_guard lock(mutex_);
        for (const auto& s : slots_) {
            if (s.result.ready && !s.loop_ended) return true;
        }
        return false;
    }

    std::int64_t worker_pid(unsigned) const override { return 0; }

    GroupResult stop(Clock::time_point) override {
        if (stopped_) return result_;
        stopped_ = true;
        stop_->raise();  // every loop looks at it at least every 100 ms
        for (auto& slot : slots_) {
            if (slot.thread.joinable()) slot.thread.join();
            slot.result.accepted = slot.sink->accepted.load();
            slot.result.spurious_wakeups = slot.sink->spurious_wakeups.load();
            if (slot.result.end != WorkerEnd::never_started) {
                slot.result.summary_received = true;
                slot.result.end = WorkerEnd::exited;
                slot.result.end_detail = "thread joined";
            }
            result_.workers.push_back(slot.result);
        }
        if (!listener_closed_) shim_->close_socket(listener_);
        return result_;
    }

private:
    struct Slot {
        WorkerResult result;
        std::unique_ptr<TableSink> sink;
        std::thread thread;
        bool loop_ended = false;
    };

    void wait_started(Slot& slot, Clock::time_point deadline) {
        while (Clock::now() < deadline) {
            {
                const std::lock_guard lock(mutex_);
                if (slot.result.ready || slot.loop_ended || !slot.result.failures.empty() ||
                    slot.result.end == WorkerEnd::never_started) {
                    return;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }

    // What asyncio's proactor does when the association fails: it closes the socket, and
    // every other loop's pending AcceptEx completes with ERROR_OPERATION_ABORTED (995).
    void close_listener_after(unsigned worker) {
        const std::lock_guard lock(mutex_);
        if (listener_closed_) return;
        listener_closed_ = true;
        shim_->close_socket(listener_);
        closed_note_ = "not started: worker " + std::to_string(worker) +
                       " closed the listening socket after its association failed";
        result_.notes.push_back("Worker " + std::to_string(worker) +
                                " closed the listening socket after its association failed, as "
                                "asyncio's ProactorEventLoop does.");
    }

    std::shared_ptr<AcceptShim> shim_;
    PatternInfo pattern_;
    std::mutex mutex_;
    std::deque<Slot> slots_;
    GroupResult result_;
    NativeSocket listener_;
    std::unique_ptr<StopSignal> stop_;
    bool listener_closed_ = false;
    std::string closed_note_;
    bool stopped_ = false;
};

}  // namespace

std::unique_ptr<WorkerGroup> start_thread_group(std::shared_ptr<AcceptShim> shim,
                                                const GroupOptions& options,
                                                const PatternInfo& pattern, NativeSocket listener,
                                                Clock::time_point deadline) {
    return std::make_unique<ThreadGroup>(std::move(shim), options, pattern, listener, deadline);
}

}  // namespace netdiag::platform::accept
