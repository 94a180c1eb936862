// One accept worker process on Linux (`netdiag accept-worker …`): takes its listener (the
// inherited descriptor, or its own SO_REUSEPORT socket), serves connections, and reports to
// its parent on stdout, one JSON object per line. End of file on stdin means stop.
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <thread>

#include "netdiag/platform.hpp"
#include "platform/posix/accept_posix.hpp"

namespace netdiag::platform::accept {
namespace {

using posix::WorkerSink;

// Writes each event as one line on stdout; failures are sent when first seen and again, with
// their final counts, before the summary.
class PipeSink final : public WorkerSink {
public:
    explicit PipeSink(unsigned id) : id_(id) {}

    void ready() override {
        WorkerMessage m;
        m.type = WorkerMessage::Type::ready;
        m.worker = id_;
        m.pid = ::getpid();
        send(m);
    }

    void failure(const std::string& step, const SysError& error) override {
        WorkerFailure f{step, error, 1};
        bool first = false;
        {
            const std::lock_guard lock(mutex_);
            const auto before = failures_.size();
            add_failure(failures_, f);
            first = failures_.size() != before;
        }
        if (first) send(failure_message(f));
    }

    void finish() {
        std::vector<WorkerFailure> failures;
        {
            const std::lock_guard lock(mutex_);
            failures = failures_;
        }
        for (const auto& f : failures) send(failure_message(f));
        WorkerMessage m;
        m.type = WorkerMessage::Type::summary;
        m.worker = id_;
        m.accepted = accepted.load();
        m.spurious_wakeups = spurious_wakeups.load();
        send(m);
    }

private:
    WorkerMessage failure_message(const WorkerFailure& f) const {
        WorkerMessage m;
        m.type = WorkerMessage::Type::failure;
        m.worker = id_;
        m.failure = f;
        return m;
    }

    void send(const WorkerMessage& message) {
        const auto line = encode_worker_message(message) + "\n";
        const std::lock_guard lock(write_mutex_);
        std::size_t done = 0;
        while (done < line.size()) {
            const auto n = ::write(1, line.data() + done, line.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;  // the parent is gone; nothing to tell
            done += static_cast<std::size_t>(n);
        }
    }

    unsigned id_;
    std::mutex mutex_;
    std::mutex write_mutex_;
    std::vector<WorkerFailure> failures_;
};

// Waits for end of file on stdin (the parent closed our pipe, or died) or the lifetime.
void wait_for_stop(Clock::time_point end) {
    char buffer[256];
    while (Clock::now() < end) {
        pollfd p{0, POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
        const int n = ::poll(&p, 1, static_cast<int>(std::max<long long>(1, left.count())));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return;
        if (n == 0) continue;
        const auto got = ::read(0, buffer, sizeof buffer);
        if (got <= 0) return;
    }
}

// The signal that interrupts the accept thread. Its handler does nothing: what matters is
// that it is installed without SA_RESTART, so a blocked accept() returns EINTR.
constexpr int wake_signal = SIGUSR1;

void on_wake_signal(int) {}

void install_wake_handler() {
    struct sigaction action {};
    action.sa_handler = on_wake_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    ::sigaction(wake_signal, &action, nullptr);
}

// A signal sent just before the thread enters accept() is lost, so it is sent again until the
// thread is out; false when it is still in after the grace period.
bool interrupt_until_finished(std::thread& thread, const std::atomic<bool>& finished) {
    constexpr auto grace = std::chrono::milliseconds(500);
    constexpr auto retry = std::chrono::milliseconds(5);
    const auto give_up = Clock::now() + grace;
    while (!finished.load()) {
        if (Clock::now() >= give_up) return false;
        ::pthread_kill(thread.native_handle(), wake_signal);
        std::this_thread::sleep_for(retry);
    }
    return true;
}

}  // namespace

int run_worker_process(const WorkerArgs& args) {
    ::signal(SIGPIPE, SIG_IGN);
    const auto info = find_pattern(args.pattern);
    if (!info || !info->processes) return 2;
    PipeSink sink(args.id);
    const auto end = Clock::now() + args.lifetime;

    int listen_fd = args.listen_fd;
    if (info->sharing == "reuseport") {
        std::vector<WorkerFailure> failures;
        listen_fd = posix::open_listener(args.address, args.port, 1024, true, true, failures);
        for (const auto& f : failures) sink.failure(f.step, f.error);
        if (listen_fd < 0) {
            sink.finish();
            return 3;
        }
    } else {
        int listening = 0;
        socklen_t length = sizeof listening;
        if (::getsockopt(listen_fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0 ||
            listening == 0) {
            sink.failure(
                "getsockopt(SO_ACCEPTCONN) on inherited descriptor " + std::to_string(listen_fd),
                listening == 0 && errno == 0 ? describe_native_error(EINVAL) : last_socket_error());
            sink.finish();
            return 3;
        }
    }

    if (info->wait == "epoll") {
        posix::run_epoll_loop(listen_fd, 0, args.id, args.reply, end, sink);
        sink.finish();
        return 0;
    }
    // A thread blocks in accept(); this one waits for the parent, then interrupts it with a
    // signal and joins it, so the process ends with nothing left running.
    std::atomic<bool> stop{false};
    std::atomic<bool> finished{false};
    install_wake_handler();
    std::thread acceptor([&] {
        posix::run_blocking_accept_loop(listen_fd, args.id, args.reply, sink, stop);
        finished = true;
    });
    wait_for_stop(end);
    stop = true;
    if (interrupt_until_finished(acceptor, finished)) {
        acceptor.join();
        sink.finish();
        return 0;
    }
    // Stuck in a send to a client that does not read: the process ends under the thread.
    acceptor.detach();
    sink.finish();
    std::_Exit(0);
}

}  // namespace netdiag::platform::accept
