// Platform capability "shared listener for N workers": start N workers that accept on one TCP
// port the way multi-worker servers do (an inherited or duplicated listening socket, threads
// with their own event loop, SO_REUSEPORT), and collect what each worker did with the native
// codes of every failure. Workers are threads of this process or netdiag itself re-executed
// with the hidden `accept-worker` subcommand; process workers report back over a pipe, one JSON
// object per line. Every worker is stopped and reaped by WorkerGroup::stop() or, failing that,
// by the group's destructor.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "netdiag/error.hpp"

namespace netdiag::platform::accept {

using Clock = std::chrono::steady_clock;

// A way of sharing one port between workers, as this OS offers it.
struct PatternInfo {
    std::string id;          // "inherit-epoll", "threads-iocp", "reuseport", …
    std::string sharing;     // "inherit" (one socket, N processes), "threads", "reuseport"
    std::string wait;        // "blocking-accept", "epoll", "iocp-acceptex", "poll"
    bool processes = false;  // workers are separate processes (else threads of netdiag)
    std::string summary;     // one line: what the pattern does, who uses it
};

// A pattern this OS has no equivalent for, and why.
struct UnavailablePattern {
    std::string id;
    std::string reason;
};

// The patterns this OS can run, in the order the probe runs them.
std::vector<PatternInfo> patterns();
std::vector<UnavailablePattern> unavailable_patterns();
std::optional<PatternInfo> find_pattern(std::string_view id);

// What a worker writes on each accepted connection: "<worker id>\n", then it closes. In HTTP
// mode it reads one request and answers "HTTP/1.1 200 OK" with the id as the body and
// "Connection: close", so a stock load generator can drive the same workers.
enum class Reply { worker_id, http };

struct GroupOptions {
    std::string pattern;
    unsigned workers = 4;
    Reply reply = Reply::worker_id;
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  // 0: an ephemeral port
    int backlog = 1024;
    // The netdiag executable to run as workers; empty: this executable (self_executable()).
    std::filesystem::path worker_executable;
    // A worker process that outlives this (parent gone, pipe never closed) stops by itself.
    std::chrono::milliseconds worker_lifetime{60000};
};

// One failed call in a worker: the call ("CreateIoCompletionPort", "AcceptEx completion",
// "accept", …) and the OS's answer. `count` folds repeats of the same call and code.
struct WorkerFailure {
    std::string step;
    SysError error;
    std::uint64_t count = 1;
};

// How a worker ended.
enum class WorkerEnd {
    running,       // not stopped yet
    exited,        // ended when asked to, with its summary
    exited_early,  // ended by itself before being asked (its exit code says why)
    crashed,       // killed by a signal / terminated, not by the group
    killed,        // did not stop in time: killed by the group
    never_started  // spawn failed or it never said it was ready
};
std::string_view to_string(WorkerEnd end);

struct WorkerResult {
    unsigned id = 0;
    std::int64_t pid = 0;  // 0 for thread workers
    bool ready = false;    // listening / waiting for connections
    bool summary_received = false;
    std::uint64_t accepted = 0;          // connections the worker itself counted
    std::uint64_t spurious_wakeups = 0;  // woken for a connection another worker took
    std::vector<WorkerFailure> failures;
    WorkerEnd end = WorkerEnd::running;
    int exit_code = 0;       // for exited / exited_early
    int signal = 0;          // POSIX signal number for crashed / killed
    std::string end_detail;  // "killed by SIGKILL", "exit code 3", …
};

struct GroupResult {
    std::string pattern;
    std::uint16_t port = 0;
    std::vector<WorkerFailure> setup_failures;  // the parent's own calls (socket, bind, spawn)
    std::vector<WorkerResult> workers;
    // Notes on what the group did on the workers' behalf, e.g. "worker 1 closed the listening
    // socket after its association failed, as asyncio's proactor does".
    std::vector<std::string> notes;
};

class WorkerGroup {
public:
    virtual ~WorkerGroup() = default;  // stops, kills and reaps whatever is still running
    virtual std::uint16_t port() const = 0;
    // Waits until every worker said it is ready or failed or ended, or the deadline passes.
    // Returns true when at least one worker is ready.
    virtual bool wait_ready(Clock::time_point deadline) = 0;
    // The worker's process id (0 for threads or an unknown id).
    virtual std::int64_t worker_pid(unsigned id) const = 0;
    // Asks every worker to stop, collects their summaries until `deadline`, then kills and
    // reaps what is left. Always returns with no worker running.
    virtual GroupResult stop(Clock::time_point deadline) = 0;
};

struct StartOutcome {
    std::unique_ptr<WorkerGroup> group;  // null when nothing could be started
    GroupResult failure;                 // when group is null: the setup failures
};

// Creates the listener(s) and starts the workers of `options.pattern`; returns at once (use
// wait_ready). Process workers started before `deadline` are always reaped by the group.
StartOutcome start_group(const GroupOptions& options, Clock::time_point deadline);

// This executable's path (/proc/self/exe, GetModuleFileNameW).
std::filesystem::path self_executable();

// The soft limit on open files of this process (RLIMIT_NOFILE); empty where there is none.
std::optional<std::uint64_t> open_files_limit();

// ---- the worker side (the hidden `accept-worker` subcommand) ----

struct WorkerArgs {
    std::string pattern;
    unsigned id = 0;
    int listen_fd = -1;      // POSIX inherit: the inherited listening descriptor
    std::uint16_t port = 0;  // reuseport: the port to bind on `address`
    std::string address = "127.0.0.1";
    Reply reply = Reply::worker_id;
    std::chrono::milliseconds lifetime{60000};
};

// Runs one worker process: reports on stdout (JSON lines), stops when stdin reaches end of
// file. Returns the process exit code.
int run_worker_process(const WorkerArgs& args);

// ---- the pipe protocol between a worker process and the group ----

// One line from a worker: {"type":"ready"|"failure"|"summary", "worker":N, …}.
struct WorkerMessage {
    enum class Type { ready, failure, summary };
    Type type = Type::ready;
    unsigned worker = 0;
    std::int64_t pid = 0;                // ready
    WorkerFailure failure;               // failure
    std::uint64_t accepted = 0;          // summary
    std::uint64_t spurious_wakeups = 0;  // summary
};
std::string encode_worker_message(const WorkerMessage& message);  // one line, no newline
// Empty for a line that is not a valid message.
std::optional<WorkerMessage> decode_worker_message(std::string_view line);

// Splits a worker's output into lines. A line ends at "\n"; a "\r" before it (a line written
// in text mode, as a Windows C runtime does) is dropped on every OS, so the same bytes decode
// the same wherever the group runs.
class WorkerLines {
public:
    void append(std::string_view bytes);
    // The next whole line, without its ending; empty until one is complete.
    std::optional<std::string> next();

private:
    std::string pending_;
};

// Applies a worker's message to its result (failure counts are running totals).
void apply_worker_message(WorkerResult& result, const WorkerMessage& message);

// Adds `failure` to `list`, folding it into an entry with the same step and code.
void add_failure(std::vector<WorkerFailure>& list, const WorkerFailure& failure);

}  // namespace netdiag::platform::accept
