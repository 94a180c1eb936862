// Internals shared by the POSIX accept workers and their groups (src/platform/posix and
// src/platform/linux only).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "netdiag/shared_accept.hpp"

namespace netdiag::platform::accept::posix {

// Where a worker's events go: the pipe to the parent (process workers) or the group's own
// table (thread workers). Thread-safe.
class WorkerSink {
public:
    virtual ~WorkerSink() = default;
    virtual void ready() = 0;
    // Repeats of the same step and code are folded into one entry with a count.
    virtual void failure(const std::string& step, const SysError& error) = 0;

    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> spurious_wakeups{0};
};

// Answers one accepted connection (the worker id, or a minimal HTTP response) and closes it.
void serve_connection(int fd, unsigned worker_id, Reply reply, WorkerSink& sink);

// A listening TCP socket on address:port (close-on-exec). With reuse_port, SO_REUSEPORT is set
// before bind, and listen is skipped when `listen_now` is false (a port reservation).
// Returns -1 and appends to `failures` when a call fails.
int open_listener(const std::string& address, std::uint16_t port, int backlog, bool reuse_port,
                  bool listen_now, std::vector<WorkerFailure>& failures);
std::uint16_t local_port(int fd);

// A worker process started with posix_spawn: stdin is a pipe from us (closing our end asks it
// to stop), stdout a pipe to us (its JSON lines), stderr /dev/null, and `inherited_fd` (if not
// -1) becomes its descriptor 3.
struct SpawnedProcess {
    pid_t pid = -1;
    int to_child = -1;
    int from_child = -1;
    SysError error;  // when pid == -1
    std::string failed_step;
};
SpawnedProcess spawn_process(const std::filesystem::path& executable,
                             const std::vector<std::string>& args, int inherited_fd);

// waitpid without blocking past `until`; true (and the status) once the process ended.
bool wait_for_exit(pid_t pid, Clock::time_point until, int& status);
// SIGKILL, then a blocking waitpid: a killed process always ends.
int kill_and_reap(pid_t pid);
// Describes a wait status: "exit code 3", "killed by SIGKILL (9)".
std::string describe_status(int status);

// The worker loops (Linux: epoll). Each returns when the sink's worker is done: stop_fd
// readable (or at end of file), the lifetime over, or a fatal failure.
// The blocking loop also returns when `stop` is set and a signal interrupts its accept().
void run_blocking_accept_loop(int listen_fd, unsigned id, Reply reply, WorkerSink& sink,
                              const std::atomic<bool>& stop);
void run_epoll_loop(int listen_fd, int stop_fd, unsigned id, Reply reply, Clock::time_point end,
                    WorkerSink& sink);

}  // namespace netdiag::platform::accept::posix
