// A group of N worker processes on every OS: netdiag started again as `accept-worker`, each
// given the shared listener (or told the reserved port), each read on its own thread one JSON
// line at a time, stopped by closing its stdin, and reaped (killed if it does not stop in time)
// before stop() returns.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "platform/portable/accept_groups.hpp"

namespace netdiag::platform::accept {
namespace {

// How long one read of a worker's output waits before the reader looks at its stop flag.
constexpr auto read_slice = std::chrono::milliseconds(100);
// After every worker is reaped, how long the pipes get to reach end of file.
constexpr auto drain_time = std::chrono::milliseconds(200);

std::string reply_name(Reply reply) {
    return reply == Reply::http ? "http" : "id";
}

class ProcessGroup final : public WorkerGroup {
public:
    ProcessGroup(std::shared_ptr<AcceptShim> shim, const GroupOptions& options,
                 const PatternInfo& pattern, NativeSocket listener)
        : shim_(std::move(shim)), listener_(listener) {
        result_.pattern = pattern.id;
        result_.port = shim_->local_port(listener);
        workers_.resize(options.workers);
        for (unsigned i = 0; i < options.workers; ++i) workers_[i].result.id = i;
    }

    ~ProcessGroup() override {
        if (!stopped_) stop(Clock::now() + std::chrono::milliseconds(200));
    }

    // Spawns every worker; a worker that cannot be started is recorded, the others run.
    void spawn_all(const GroupOptions& options, const PatternInfo& pattern,
                   Clock::time_point deadline) {
        const auto executable = options.worker_executable.empty()
                                    ? shim_->default_worker_executable()
                                    : options.worker_executable;
        const bool reuseport = pattern.sharing == "reuseport";
        for (auto& w : workers_) {
            if (Clock::now() >= deadline) {
                const std::lock_guard lock(mutex_);
                w.result.end = WorkerEnd::never_started;
                w.result.end_detail = "not started: the probe's deadline passed";
                w.eof = true;
                continue;
            }
            std::vector<std::string> args{"accept-worker",
                                          "--pattern",
                                          pattern.id,
                                          "--id",
                                          std::to_string(w.result.id),
                                          "--reply",
                                          reply_name(options.reply),
                                          "--lifetime-ms",
                                          std::to_string(options.worker_lifetime.count())};
            if (reuseport) {
                args.insert(args.end(),
                            {"--address", options.address, "--port", std::to_string(result_.port)});
            }
            auto spawned = shim_->spawn_worker(executable, args, reuseport ? kNoSocket : listener_);
            if (!spawned.process) {
                const std::lock_guard lock(mutex_);
                w.result.end = WorkerEnd::never_started;
                w.result.end_detail = spawned.failed_step + ": " + spawned.error.describe();
                add_failure(w.result.failures, {spawned.failed_step, spawned.error, 1});
                w.eof = true;
                continue;
            }
            {
                const std::lock_guard lock(mutex_);
                w.result.pid = spawned.process->pid();
                w.process = std::move(spawned.process);
            }
            w.reader = std::thread([this, &w] { read_lines(w); });
            if (reuseport) continue;
            auto handed = shim_->hand_over(listener_, w.result.pid);
            if (handed.failure) {
                // The worker fails to read its socket and says so.
                handed.failure->step += " for worker " + std::to_string(w.result.id);
                const std::lock_guard lock(mutex_);
                add_failure(result_.setup_failures, *handed.failure);
                continue;
            }
            if (!handed.line.empty()) w.process->write_input(handed.line + "\n");
        }
    }

    std::uint16_t port() const override { return result_.port; }

    // A worker is settled once it is ready, failed or ended: one whose loop failed before it
    // got ready may stay alive until asked to stop (a Windows worker does, so its summary comes
    // with the others), and a wait for ready or end only would hold the probe to its deadline
    // for nothing. A worker counts as ready only while it still runs.
    bool wait_ready(Clock::time_point deadline) override {
        std::unique_lock lock(mutex_);
        cv_.wait_until(lock, deadline, [&] {
            for (const auto& w : workers_) {
                if (!w.result.ready && !w.eof && w.result.failures.empty()) return false;
            }
            return true;
        });
        for (const auto& w : workers_) {
            if (w.result.ready && !w.eof) return true;
        }
        return false;
    }

    std::int64_t worker_pid(unsigned id) const override {
        const std::lock_guard lock(mutex_);
        return id < workers_.size() ? workers_[id].result.pid : 0;
    }

    GroupResult stop(Clock::time_point deadline) override {
        if (stopped_) return result_;
        stopped_ = true;
        {
            // End of file on stdin asks each worker for its summary and exit.
            const std::lock_guard lock(mutex_);
            for (auto& w : workers_) {
                w.stop_requested = true;
                if (w.process) w.process->close_input();
            }
        }
        {
            std::unique_lock lock(mutex_);
            cv_.wait_until(lock, deadline, [&] { return all_eof(); });
        }
        // Reap: whoever has not exited by the deadline is killed. Nothing outlives stop().
        for (auto& w : workers_) {
            if (!w.process) continue;
            auto exit = w.process->wait_exit(deadline);
            const bool killed = !exit;
            if (killed) exit = w.process->kill_and_reap();
            const std::lock_guard lock(mutex_);
            classify(w, *exit, killed);
        }
        {
            // Every process is gone, so every pipe reaches end of file now.
            std::unique_lock lock(mutex_);
            cv_.wait_for(lock, drain_time, [&] { return all_eof(); });
        }
        readers_stop_ = true;
        for (auto& w : workers_) {
            if (w.reader.joinable()) w.reader.join();
            w.process.reset();
            result_.workers.push_back(w.result);
        }
        shim_->close_socket(listener_);
        listener_ = kNoSocket;
        return result_;
    }

private:
    struct Worker {
        WorkerResult result;
        std::unique_ptr<WorkerProcess> process;
        std::thread reader;
        bool eof = false;
        bool eof_before_stop = false;
        bool stop_requested = false;
    };

    bool all_eof() const {
        for (const auto& w : workers_) {
            if (!w.eof) return false;
        }
        return true;
    }

    void classify(Worker& w, const ProcessExit& exit, bool killed_at_deadline) {
        auto& r = w.result;
        r.end_detail = exit.detail;
        r.exit_code = exit.exit_code;
        r.signal = exit.signal;
        if (exit.abnormal) {
            if (killed_at_deadline) {
                r.end = WorkerEnd::killed;
                r.end_detail +=
                    ": did not stop in time, " + std::string(shim_->kill_verb()) + " by netdiag";
            } else {
                r.end = WorkerEnd::crashed;
            }
        } else {
            r.end = (w.eof_before_stop || r.exit_code != 0 || !r.summary_received)
                        ? WorkerEnd::exited_early
                        : WorkerEnd::exited;
        }
    }

    void read_lines(Worker& w) {
        WorkerLines lines;
        char buffer[4096];
        while (!readers_stop_) {
            const auto got = w.process->read_output(buffer, Clock::now() + read_slice);
            if (got.state == ReadResult::State::timeout) continue;
            const std::lock_guard lock(mutex_);
            if (got.state == ReadResult::State::end) {
                w.eof = true;
                if (!w.stop_requested) w.eof_before_stop = true;
                break;
            }
            lines.append({buffer, got.bytes});
            while (const auto line = lines.next()) {
                const auto message = decode_worker_message(*line);
                if (message && message->worker == w.result.id) {
                    apply_worker_message(w.result, *message);
                }
            }
            cv_.notify_all();
        }
        cv_.notify_all();
    }

    std::shared_ptr<AcceptShim> shim_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Worker> workers_;
    GroupResult result_;
    NativeSocket listener_;  // the shared listener, or the reuseport port reservation
    std::atomic<bool> readers_stop_{false};
    bool stopped_ = false;
};

}  // namespace

std::unique_ptr<WorkerGroup> start_process_group(std::shared_ptr<AcceptShim> shim,
                                                 const GroupOptions& options,
                                                 const PatternInfo& pattern, NativeSocket listener,
                                                 Clock::time_point deadline) {
    auto group = std::make_unique<ProcessGroup>(std::move(shim), options, pattern, listener);
    group->spawn_all(options, pattern, deadline);
    return group;
}

}  // namespace netdiag::platform::accept
