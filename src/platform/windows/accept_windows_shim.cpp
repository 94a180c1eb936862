// The Windows shim's loops: a thread worker runs the IOCP or the WSAPoll loop on the group's
// listener; a worker process runs it on its duplicated listener until its parent closes stdin.
#include <cstdlib>
#include <thread>

#include "platform/windows/accept_windows_shim.hpp"

namespace netdiag::platform::accept::windows {

void WindowsAcceptShim::run_thread_worker(const ThreadWorker& worker) {
    const SOCKET listener = socket_of(worker.listener);
    if (worker.pattern.wait == "iocp-acceptex") {
        run_iocp_loop(*this, listener, worker.id, worker.reply, worker.stop.flag(), worker.sink,
                      worker.on_association_failure);
    } else {
        run_poll_loop(*this, listener, worker.id, worker.reply, worker.stop.flag(), worker.sink);
    }
}

int WindowsAcceptShim::run_process_loop(const PatternInfo& pattern, NativeSocket listener_socket,
                                        const WorkerArgs& args, Clock::time_point end,
                                        PipeSink& sink) {
    const SOCKET listener = socket_of(listener_socket);
    // Stop at end of file on stdin (the parent closed it, or died) or at the lifetime.
    // Neither thread is detached at creation (winpthreads can crash a thread detached before it
    // starts); the process ends with std::_Exit below, under them, and an exception on the way
    // detaches them once they surely run.
    std::atomic<bool> stop{false};
    HANDLE in = ::GetStdHandle(STD_INPUT_HANDLE);
    std::thread stdin_watch([&stop, in] {
        char buffer[256];
        DWORD got = 0;
        while (::ReadFile(in, buffer, sizeof buffer, &got, nullptr) && got > 0) {
        }
        stop = true;
    });
    std::thread lifetime_watch([&stop, end] {
        while (!stop && Clock::now() < end)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        stop = true;
    });
    struct DetachOnUnwind {
        std::thread& first;
        std::thread& second;
        ~DetachOnUnwind() {
            if (first.joinable()) first.detach();
            if (second.joinable()) second.detach();
        }
    } detach_on_unwind{stdin_watch, lifetime_watch};

    bool association_failed = false;
    if (pattern.wait == "iocp-acceptex") {
        run_iocp_loop(*this, listener, args.id, args.reply, stop, sink, [&] {
            // asyncio's proactor closes the socket when the association fails.
            association_failed = true;
            ::closesocket(listener);
        });
    } else {
        run_poll_loop(*this, listener, args.id, args.reply, stop, sink);
    }
    // A loop that ended before being asked to stop failed: wait for the stop all the same, so
    // the parent collects this worker's summary with the others.
    while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!association_failed) ::closesocket(listener);
    sink.finish();
    std::_Exit(association_failed ? 3 : 0);
}

}  // namespace netdiag::platform::accept::windows

namespace netdiag::platform::accept {

std::unique_ptr<AcceptShim> make_accept_shim() {
    return std::make_unique<windows::WindowsAcceptShim>();
}

}  // namespace netdiag::platform::accept
