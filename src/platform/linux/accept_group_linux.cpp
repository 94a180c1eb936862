// Worker groups on Linux: N netdiag processes sharing a listener (inherited descriptor or
// SO_REUSEPORT), or N threads of this process each with its own epoll loop.
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "netdiag/platform.hpp"
#include "platform/posix/accept_posix.hpp"

namespace netdiag::platform::accept {
namespace {

using posix::WorkerSink;

// The path of this executable, as the kernel's link names it. Exec'ing "/proc/self/exe" itself
// would run whatever is executing us: under valgrind or an emulator that is the tool, not
// netdiag. The literal link is kept for a binary deleted or replaced since it started (a
// package upgrade), where the named path no longer holds this program.
std::filesystem::path worker_executable() {
    auto path = self_executable();
    if (path.empty() || path.native().ends_with(" (deleted)")) return "/proc/self/exe";
    return path;
}

std::string reply_name(Reply reply) {
    return reply == Reply::http ? "http" : "id";
}

// ---------------------------------------------------------------- process workers

class ProcessGroup final : public WorkerGroup {
public:
    ProcessGroup(const GroupOptions& options, const PatternInfo& pattern, int listen_fd,
                 std::uint16_t port)
        : listen_fd_(listen_fd) {
        result_.pattern = pattern.id;
        result_.port = port;
        workers_.resize(options.workers);
        for (unsigned i = 0; i < options.workers; ++i) workers_[i].result.id = i;
    }

    ~ProcessGroup() override {
        if (!stopped_) stop(Clock::now() + std::chrono::milliseconds(200));
    }

    // Spawns every worker; a worker that cannot be started is recorded, the others run.
    void spawn_all(const GroupOptions& options, const PatternInfo& pattern,
                   Clock::time_point deadline) {
        const auto executable =
            options.worker_executable.empty() ? worker_executable() : options.worker_executable;
        for (auto& w : workers_) {
            if (Clock::now() >= deadline) {
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
            if (pattern.sharing == "reuseport") {
                args.insert(args.end(),
                            {"--address", options.address, "--port", std::to_string(result_.port)});
            } else {
                args.insert(args.end(), {"--listen-fd", "3"});
            }
            auto spawned = posix::spawn_process(executable, args,
                                                pattern.sharing == "reuseport" ? -1 : listen_fd_);
            const std::lock_guard lock(mutex_);
            if (spawned.pid < 0) {
                w.result.end = WorkerEnd::never_started;
                w.result.end_detail = spawned.failed_step + ": " + spawned.error.describe();
                add_failure(w.result.failures, {spawned.failed_step, spawned.error, 1});
                w.eof = true;
                continue;
            }
            w.pid = spawned.pid;
            w.result.pid = spawned.pid;
            w.to_child = spawned.to_child;
            w.from_child = spawned.from_child;
        }
        if (::pipe2(wake_, O_CLOEXEC) != 0) wake_[0] = wake_[1] = -1;
        reader_ = std::thread([this] { read_messages(); });
    }

    std::uint16_t port() const override { return result_.port; }

    bool wait_ready(Clock::time_point deadline) override {
        std::unique_lock lock(mutex_);
        cv_.wait_until(lock, deadline, [&] {
            for (const auto& w : workers_) {
                if (!w.result.ready && !w.eof) return false;
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
        return id < workers_.size() ? workers_[id].pid : 0;
    }

    GroupResult stop(Clock::time_point deadline) override {
        if (stopped_) return result_;
        stopped_ = true;
        {
            // End of file on stdin asks each worker for its summary and exit.
            const std::lock_guard lock(mutex_);
            for (auto& w : workers_) {
                w.stop_requested = true;
                if (w.to_child >= 0) ::close(w.to_child);
                w.to_child = -1;
            }
        }
        {
            std::unique_lock lock(mutex_);
            cv_.wait_until(lock, deadline, [&] { return all_eof(); });
        }
        // Reap: whoever has not exited by the deadline is killed. Nothing outlives stop().
        for (auto& w : workers_) {
            if (w.pid <= 0) continue;
            int status = 0;
            bool killed = false;
            if (!posix::wait_for_exit(w.pid, deadline, status)) {
                status = posix::kill_and_reap(w.pid);
                killed = true;
            }
            const std::lock_guard lock(mutex_);
            w.reaped = true;
            classify(w, status, killed);
        }
        {
            // Every process is gone, so every pipe reaches end of file now.
            std::unique_lock lock(mutex_);
            cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return all_eof(); });
        }
        reader_stop_ = true;
        if (wake_[1] >= 0) (void)!::write(wake_[1], "x", 1);
        if (reader_.joinable()) reader_.join();
        for (int fd : {wake_[0], wake_[1], listen_fd_}) {
            if (fd >= 0) ::close(fd);
        }
        wake_[0] = wake_[1] = listen_fd_ = -1;
        for (auto& w : workers_) {
            if (w.from_child >= 0) ::close(w.from_child);
            w.from_child = -1;
            result_.workers.push_back(w.result);
        }
        return result_;
    }

private:
    struct Worker {
        WorkerResult result;
        pid_t pid = -1;
        int to_child = -1;
        int from_child = -1;
        std::string pending;  // a partial line
        bool eof = false;
        bool eof_before_stop = false;
        bool stop_requested = false;
        bool killed_by_group = false;
        bool reaped = false;
    };

    bool all_eof() const {
        for (const auto& w : workers_) {
            if (!w.eof) return false;
        }
        return true;
    }

    void classify(Worker& w, int status, bool killed_at_deadline) {
        auto& r = w.result;
        r.end_detail = posix::describe_status(status);
        if (WIFSIGNALED(status)) {
            r.signal = WTERMSIG(status);
            if (killed_at_deadline) {
                r.end = WorkerEnd::killed;
                r.end_detail += ": did not stop in time, killed by netdiag";
            } else if (w.killed_by_group) {
                r.end = WorkerEnd::killed;
            } else {
                r.end = WorkerEnd::crashed;
            }
        } else {
            r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
            r.end = (w.eof_before_stop || r.exit_code != 0 || !r.summary_received)
                        ? WorkerEnd::exited_early
                        : WorkerEnd::exited;
        }
    }

    void read_messages() {
        char buffer[4096];
        while (!reader_stop_) {
            std::vector<pollfd> fds;
            std::vector<std::size_t> owners;
            {
                const std::lock_guard lock(mutex_);
                for (std::size_t i = 0; i < workers_.size(); ++i) {
                    if (workers_[i].eof || workers_[i].from_child < 0) continue;
                    fds.push_back({workers_[i].from_child, POLLIN, 0});
                    owners.push_back(i);
                }
            }
            if (wake_[0] >= 0) fds.push_back({wake_[0], POLLIN, 0});
            if (owners.empty()) break;
            if (::poll(fds.data(), fds.size(), 100) <= 0) continue;
            for (std::size_t k = 0; k < owners.size(); ++k) {
                if (fds[k].revents == 0) continue;
                const auto n = ::read(fds[k].fd, buffer, sizeof buffer);
                if (n < 0 && errno == EINTR) continue;
                const std::lock_guard lock(mutex_);
                auto& w = workers_[owners[k]];
                if (n <= 0) {
                    w.eof = true;
                    if (!w.stop_requested) w.eof_before_stop = true;
                    continue;
                }
                w.pending.append(buffer, static_cast<std::size_t>(n));
                std::size_t newline;
                while ((newline = w.pending.find('\n')) != std::string::npos) {
                    const auto message = decode_worker_message(w.pending.substr(0, newline));
                    w.pending.erase(0, newline + 1);
                    if (message && message->worker == w.result.id) {
                        apply_worker_message(w.result, *message);
                    }
                }
            }
            cv_.notify_all();
        }
        cv_.notify_all();
    }

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<Worker> workers_;
    GroupResult result_;
    int listen_fd_ = -1;  // the shared listener, or the reuseport port reservation
    int wake_[2] = {-1, -1};
    std::thread reader_;
    std::atomic<bool> reader_stop_{false};
    bool stopped_ = false;
};

// ---------------------------------------------------------------- thread workers

class ThreadSink final : public WorkerSink {
public:
    ThreadSink(std::mutex& mutex, WorkerResult& result) : mutex_(mutex), result_(result) {}
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
    ThreadGroup(const GroupOptions& options, const PatternInfo& pattern, int listen_fd)
        : listen_fd_(listen_fd), stop_fd_(::eventfd(0, EFD_CLOEXEC)) {
        result_.pattern = pattern.id;
        result_.port = posix::local_port(listen_fd);
        for (unsigned i = 0; i < options.workers; ++i) {
            auto& slot = slots_.emplace_back();
            slot.result.id = i;
            slot.sink = std::make_unique<ThreadSink>(mutex_, slot.result);
        }
        const auto end = Clock::now() + options.worker_lifetime;
        for (auto& slot : slots_) {
            slot.thread = std::thread([this, &slot, reply = options.reply, end] {
                posix::run_epoll_loop(listen_fd_, stop_fd_, slot.result.id, reply, end, *slot.sink);
            });
        }
    }

    ~ThreadGroup() override {
        if (!stopped_) stop(Clock::now());
    }

    std::uint16_t port() const override { return result_.port; }

    bool wait_ready(Clock::time_point deadline) override {
        while (Clock::now() < deadline) {
            {
                const std::lock_guard lock(mutex_);
                bool all = true;
                for (const auto& s : slots_)
                    all = all && (s.result.ready || !s.result.failures.empty());
                if (all) break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        const std::lock_guard lock(mutex_);
        for (const auto& s : slots_) {
            if (s.result.ready) return true;
        }
        return false;
    }

    std::int64_t worker_pid(unsigned) const override { return 0; }

    GroupResult stop(Clock::time_point) override {
        if (stopped_) return result_;
        stopped_ = true;
        const std::uint64_t one = 1;
        // An eventfd with a count stays readable: every loop sees it within its 100 ms wait.
        (void)!::write(stop_fd_, &one, sizeof one);
        for (auto& slot : slots_) {
            if (slot.thread.joinable()) slot.thread.join();
            slot.result.accepted = slot.sink->accepted.load();
            slot.result.spurious_wakeups = slot.sink->spurious_wakeups.load();
            slot.result.summary_received = true;
            slot.result.end = WorkerEnd::exited;
            slot.result.end_detail = "thread joined";
            result_.workers.push_back(slot.result);
        }
        ::close(stop_fd_);
        ::close(listen_fd_);
        return result_;
    }

private:
    struct Slot {
        WorkerResult result;
        std::unique_ptr<ThreadSink> sink;
        std::thread thread;
    };
    std::mutex mutex_;
    std::deque<Slot> slots_;
    GroupResult result_;
    int listen_fd_;
    int stop_fd_;
    bool stopped_ = false;
};

}  // namespace

StartOutcome start_group(const GroupOptions& options, Clock::time_point deadline) {
    StartOutcome outcome;
    outcome.failure.pattern = options.pattern;
    const auto pattern = find_pattern(options.pattern);
    if (!pattern) {
        outcome.failure.setup_failures.push_back(
            {"pattern " + options.pattern + " is not available on Linux",
             describe_native_error(EINVAL), 1});
        return outcome;
    }
    const bool reuse_port = pattern->sharing == "reuseport";
    // For reuseport the parent only reserves the port (bound, not listening: it takes no
    // connections) so every worker binds the same one.
    const int fd = posix::open_listener(options.address, options.port, options.backlog, reuse_port,
                                        !reuse_port, outcome.failure.setup_failures);
    if (fd < 0) return outcome;
    if (!pattern->processes) {
        outcome.group = std::make_unique<ThreadGroup>(options, *pattern, fd);
        return outcome;
    }
    auto group = std::make_unique<ProcessGroup>(options, *pattern, fd, posix::local_port(fd));
    group->spawn_all(options, *pattern, deadline);
    outcome.group = std::move(group);
    return outcome;
}

}  // namespace netdiag::platform::accept
