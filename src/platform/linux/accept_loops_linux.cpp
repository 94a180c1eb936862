// The accept loops a worker runs on Linux: a thread blocked in accept() (the kernel wakes one
// waiter per connection), and an epoll loop as event-loop servers run it (level-triggered, no
// EPOLLEXCLUSIVE: every worker waiting on the shared listener is woken, one wins the accept).
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "netdiag/platform.hpp"
#include "platform/posix/accept_posix.hpp"

namespace netdiag::platform::accept::posix {
namespace {

// Accept errors that concern one connection only; the worker goes on.
bool transient(int code) {
    return code == ECONNABORTED || code == EPROTO || code == EPERM || code == ENETDOWN ||
           code == ENOPROTOOPT || code == EHOSTDOWN || code == ENONET || code == EHOSTUNREACH ||
           code == EOPNOTSUPP || code == ENETUNREACH;
}

// Out of descriptors or memory: back off a little instead of spinning on the same error.
bool resource_shortage(int code) {
    return code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM;
}

// Most connections one wake-up accepts before going back to the loop (asyncio accepts up to
// its backlog per wake-up; a small cap keeps one worker from draining the whole queue).
constexpr int kAcceptsPerWakeup = 16;

}  // namespace

void run_blocking_accept_loop(AcceptShim& shim, int listen_fd, unsigned id, Reply reply,
                              WorkerSink& sink, const std::atomic<bool>& stop) {
    sink.ready();
    while (!stop.load()) {
        const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) {
            serve_connection(shim, fd, id, reply, sink);
            continue;
        }
        const int code = errno;
        if (code == EINTR) continue;
        sink.failure("accept", describe_native_error(code));
        if (resource_shortage(code)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        } else if (!transient(code)) {
            return;  // EBADF, EINVAL, ENOTSOCK: the listener itself is gone
        }
    }
}

void run_epoll_loop(AcceptShim& shim, int listen_fd, int stop_fd, unsigned id, Reply reply,
                    Clock::time_point end, WorkerSink& sink) {
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        sink.failure("epoll_create1", last_socket_error());
        return;
    }
    // The listener is shared: O_NONBLOCK is set on the one open file, for every worker.
    const int flags = ::fcntl(listen_fd, F_GETFL);
    if (flags < 0 || ::fcntl(listen_fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        sink.failure("fcntl(O_NONBLOCK)", last_socket_error());
        ::close(ep);
        return;
    }
    epoll_event listen_event{};
    listen_event.events = EPOLLIN;
    listen_event.data.fd = listen_fd;
    epoll_event stop_event{};
    stop_event.events = EPOLLIN;
    stop_event.data.fd = stop_fd;
    if (::epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &listen_event) != 0 ||
        ::epoll_ctl(ep, EPOLL_CTL_ADD, stop_fd, &stop_event) != 0) {
        sink.failure("epoll_ctl(EPOLL_CTL_ADD)", last_socket_error());
        ::close(ep);
        return;
    }
    sink.ready();
    bool running = true;
    while (running && Clock::now() < end) {
        epoll_event events[4];
        const int n = ::epoll_wait(ep, events, 4, 100);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            sink.failure("epoll_wait", last_socket_error());
            break;
        }
        for (int i = 0; i < n && running; ++i) {
            if (events[i].data.fd == stop_fd) {
                running = false;
                break;
            }
            for (int accepted = 0; accepted < kAcceptsPerWakeup; ++accepted) {
                const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
                if (fd >= 0) {
                    serve_connection(shim, fd, id, reply, sink);
                    continue;
                }
                const int code = errno;
                if (code == EAGAIN || code == EWOULDBLOCK) {
                    // Woken, but another worker took the connection: the thundering herd.
                    if (accepted == 0) sink.spurious_wakeups.fetch_add(1);
                    break;
                }
                if (code == EINTR) continue;
                sink.failure("accept", describe_native_error(code));
                if (resource_shortage(code)) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                } else if (!transient(code)) {
                    running = false;
                }
                break;
            }
        }
    }
    ::close(ep);
}

}  // namespace netdiag::platform::accept::posix
