// A worker process of the blocking-accept patterns on Linux: a thread blocks in accept() while
// the main thread waits for the parent, then interrupts it with a signal and joins it, so the
// process ends with nothing left running.
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <thread>

#include "platform/posix/accept_posix.hpp"

namespace netdiag::platform::accept::posix {
namespace {

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
constexpr int kWakeSignal = SIGUSR1;

void on_wake_signal(int) {}

void install_wake_handler() {
    struct sigaction action {};
    action.sa_handler = on_wake_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    ::sigaction(kWakeSignal, &action, nullptr);
}

// A signal sent just before the thread enters accept() is lost, so it is sent again until the
// thread is out; false when it is still in after the grace period.
bool interrupt_until_finished(std::thread& thread, const std::atomic<bool>& finished) {
    constexpr auto grace = std::chrono::milliseconds(500);
    constexpr auto retry = std::chrono::milliseconds(5);
    const auto give_up = Clock::now() + grace;
    while (!finished.load()) {
        if (Clock::now() >= give_up) return false;
        ::pthread_kill(thread.native_handle(), kWakeSignal);
        std::this_thread::sleep_for(retry);
    }
    return true;
}

}  // namespace

int run_blocking_worker_process(AcceptShim& shim, int listen_fd, unsigned id, Reply reply,
                                Clock::time_point end, PipeSink& sink) {
    std::atomic<bool> stop{false};
    std::atomic<bool> finished{false};
    install_wake_handler();
    std::thread acceptor([&] {
        run_blocking_accept_loop(shim, listen_fd, id, reply, sink, stop);
        finished = true;
    });
    wait_for_stop(end);
    stop = true;
    if (interrupt_until_finished(acceptor, finished)) {
        acceptor.join();
        return 0;
    }
    // Stuck in a send to a client that does not read: the process ends under the thread.
    acceptor.detach();
    sink.finish();
    std::_Exit(0);
}

}  // namespace netdiag::platform::accept::posix
