// What each OS supplies to the shared-accept core, and what the core offers the OS's loops.
// The policy is written once in src/platform/portable/: starting N worker processes or threads,
// reading their JSON lines, waiting until they are ready, the stop/kill/reap sequence, folding
// repeated failures and the group's result (accept_process_group.cpp, accept_thread_group.cpp),
// the worker process's side of the pipe (accept_worker.cpp) and the answer to one connection
// (accept_serve.cpp). Each OS fills in this shim with the calls that differ: spawn a worker with
// the listener handed to it, wait for it with a deadline, kill it, read its output with a
// deadline, open a listener, answer and close one connection, and its native accept loops
// (epoll on Linux; IOCP + AcceptEx and WSAPoll on Windows). Unit tests drive the core through a
// fake shim answering as Windows does (tests/unit/accept_group_policy_test.cpp).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "netdiag/shared_accept.hpp"

namespace netdiag::platform::accept {

// A socket as the OS names it: a descriptor on POSIX, a SOCKET on Windows (whose
// INVALID_SOCKET, all bits set, is -1 here too).
using NativeSocket = std::intptr_t;
inline constexpr NativeSocket kNoSocket = -1;

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

// What one read of a worker's output gave.
struct ReadResult {
    enum class State { data, end, timeout };
    State state = State::timeout;
    std::size_t bytes = 0;  // for data
};

// How a worker process ended, in the OS's terms.
struct ProcessExit {
    int exit_code = 0;
    int signal = 0;         // POSIX: the signal that ended it
    bool abnormal = false;  // ended by a signal, an exception or TerminateProcess, not by exit
    std::string detail;     // "exit code 3", "killed by SIGKILL (9)", "exit code 1"
};

// A started worker process: its stdin (closing it asks the worker to stop) and its stdout (its
// JSON lines). Destroying it closes whatever pipe ends are still open; it never kills.
class WorkerProcess {
public:
    virtual ~WorkerProcess() = default;
    virtual std::int64_t pid() const = 0;
    virtual bool write_input(std::string_view text) = 0;
    virtual void close_input() = 0;
    // Waits at most until `until` for output; end once the worker's stdout is closed.
    virtual ReadResult read_output(std::span<char> buffer, Clock::time_point until) = 0;
    // Empty when the process is still running at `until`.
    virtual std::optional<ProcessExit> wait_exit(Clock::time_point until) = 0;
    // Kills the process and waits for it: a killed process always ends.
    virtual ProcessExit kill_and_reap() = 0;
};

struct SpawnResult {
    std::unique_ptr<WorkerProcess> process;  // null when the spawn failed
    std::string failed_step;
    SysError error;
};

// What a started worker still needs to open the shared listener: a line for its stdin (empty
// when the socket was inherited at spawn), or the call that failed.
struct SocketHandOver {
    std::string line;
    std::optional<WorkerFailure> failure;
};

// What a listener is for.
enum class ListenerUse {
    shared,            // the one listening socket every worker accepts on
    port_reservation,  // SO_REUSEPORT set and bound, not listening: it takes no connections
    reuseport_member,  // one worker's own SO_REUSEPORT socket on the reserved port
};

// Tells the thread workers of one group to stop. Every loop reads the flag at least every
// 100 ms; an OS whose loop waits on a handle (Linux: an eventfd in the epoll set) also signals it.
class StopSignal {
public:
    virtual ~StopSignal() = default;
    virtual void raise() { raised_ = true; }
    const std::atomic<bool>& flag() const { return raised_; }

private:
    std::atomic<bool> raised_{false};
};

// One thread worker's loop: what it accepts on, how it answers and where it reports.
struct ThreadWorker {
    const PatternInfo& pattern;
    NativeSocket listener;
    unsigned id;
    Reply reply;
    Clock::time_point end;  // the worker's lifetime
    StopSignal& stop;
    WorkerSink& sink;
    // Runs when associating the listener with the loop's completion port failed: it closes the
    // listener, as asyncio's proactor does.
    std::function<void()> on_association_failure;
};

class PipeSink;

class AcceptShim {
public:
    virtual ~AcceptShim() = default;

    // ---- this OS
    virtual std::string_view os_name() const = 0;
    virtual std::vector<PatternInfo> patterns() const = 0;
    virtual SysError invalid_argument() const = 0;  // EINVAL, WSAEINVAL
    // How the group ends a worker that does not stop: "killed" (SIGKILL), "terminated".
    virtual std::string_view kill_verb() const = 0;

    // ---- sockets
    // A listening IPv4 TCP socket on address:port that no child inherits by accident; kNoSocket
    // and the failed call appended to `failures` when a call fails.
    virtual NativeSocket open_listener(const std::string& address, std::uint16_t port, int backlog,
                                       ListenerUse use, std::vector<WorkerFailure>& failures) = 0;
    virtual std::uint16_t local_port(NativeSocket listener) = 0;
    virtual void close_socket(NativeSocket socket) = 0;
    // One accepted connection: blocking sends, and a receive timeout of a second when a request
    // is read first.
    virtual void prepare_reply(NativeSocket connection, bool read_request) = 0;
    // Bytes received, 0 at end of stream, negative on an error or the timeout.
    virtual long receive(NativeSocket connection, std::span<char> buffer) = 0;
    // Bytes sent, or negative with `error` set; interrupted calls are retried.
    virtual long send(NativeSocket connection, std::string_view bytes, SysError& error) = 0;
    // Shuts the sending side down and closes the connection.
    virtual void finish_reply(NativeSocket connection) = 0;

    // ---- worker processes (the group's side)
    virtual std::filesystem::path default_worker_executable() const = 0;
    // Starts `executable args…` with its stdin and stdout piped to us and stderr discarded.
    // `shared` (unless kNoSocket) travels the way the OS passes a socket at start: POSIX makes
    // it descriptor 3 and adds "--listen-fd 3"; Windows hands it over later (hand_over).
    virtual SpawnResult spawn_worker(const std::filesystem::path& executable,
                                     const std::vector<std::string>& args, NativeSocket shared) = 0;
    // The listener made usable by process `pid` (Windows: WSADuplicateSocketW into a line).
    virtual SocketHandOver hand_over(NativeSocket listener, std::int64_t pid) = 0;

    // ---- thread workers
    virtual std::unique_ptr<StopSignal> make_stop_signal() = 0;
    // Runs the pattern's loop until the stop signal, the lifetime or a fatal failure.
    virtual void run_thread_worker(const ThreadWorker& worker) = 0;

    // ---- the worker process's side
    virtual void prepare_worker_process() = 0;
    virtual std::int64_t current_pid() const = 0;
    // Writes to stdout: `text` whole, or nothing once the parent is gone.
    virtual void write_output(std::string_view text) = 0;
    // The shared listener given by the parent; kNoSocket after reporting why not.
    virtual NativeSocket receive_listener(const WorkerArgs& args, WorkerSink& sink) = 0;
    // Serves on `listener` until the parent closes stdin or `end`; returns the exit code. It may
    // instead call sink.finish() and end the process itself where threads it cannot join are
    // still running.
    virtual int run_process_loop(const PatternInfo& pattern, NativeSocket listener,
                                 const WorkerArgs& args, Clock::time_point end, PipeSink& sink) = 0;
};

// This OS's shim (src/platform/<os>/accept_shim_<os>.cpp).
std::unique_ptr<AcceptShim> make_accept_shim();

// A worker process's sink: each event as one line on stdout. A failure is sent when first seen
// and again, with its final count, before the summary.
class PipeSink final : public WorkerSink {
public:
    PipeSink(AcceptShim& shim, unsigned id) : shim_(shim), id_(id) {}
    void ready() override;
    void failure(const std::string& step, const SysError& error) override;
    // The failures with their counts, then the summary.
    void finish();

private:
    void send(const WorkerMessage& message);
    WorkerMessage failure_message(const WorkerFailure& failure) const;

    AcceptShim& shim_;
    unsigned id_;
    std::mutex mutex_;
    std::mutex write_mutex_;
    std::vector<WorkerFailure> failures_;
};

// The group policy over `shim` (start_group(options, deadline) uses this OS's shim).
StartOutcome start_group(std::shared_ptr<AcceptShim> shim, const GroupOptions& options,
                         Clock::time_point deadline);
// The worker process over `shim` (run_worker_process(args) uses this OS's shim).
int run_worker_process(AcceptShim& shim, const WorkerArgs& args);

// Answers one accepted connection (the worker id, or a minimal HTTP response) and closes it.
void serve_connection(AcceptShim& shim, NativeSocket connection, unsigned worker_id, Reply reply,
                      WorkerSink& sink);

}  // namespace netdiag::platform::accept
