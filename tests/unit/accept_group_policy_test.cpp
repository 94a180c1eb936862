// The portable shared-accept group policy driven through a fake shim that answers the way
// Windows does: worker lines ending in "\r\n", a worker that never gets ready and has to be
// terminated, a spawn refused with a Win32 error, a failed WSADuplicateSocketW, an NTSTATUS
// crash, and the proactor's failed association closing the listener under the other threads.
// The Windows policy checked on any OS.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "netdiag/shared_accept.hpp"
#include "platform/portable/accept_shim.hpp"

// Named, as unity batches compile several test files as one.
namespace accept_group_policy_test {
namespace {

namespace accept = netdiag::platform::accept;
using accept::Clock;
using namespace std::chrono_literals;

netdiag::SysError windows_error(int code, std::string name, std::string message) {
    netdiag::SysError error;
    error.native = code;
    error.native_name = std::move(name);
    error.message = std::move(message);
    return error;
}

// A line as a Windows worker writes it: text mode turns "\n" into "\r\n".
std::string windows_line(const accept::WorkerMessage& message) {
    return accept::encode_worker_message(message) + "\r\n";
}

accept::WorkerMessage ready_message(unsigned worker) {
    accept::WorkerMessage m;
    m.type = accept::WorkerMessage::Type::ready;
    m.worker = worker;
    m.pid = 4000 + worker;
    return m;
}

accept::WorkerMessage summary_message(unsigned worker, std::uint64_t accepted) {
    accept::WorkerMessage m;
    m.type = accept::WorkerMessage::Type::summary;
    m.worker = worker;
    m.accepted = accepted;
    return m;
}

// What one fake worker process does; the test keeps it to look at what the group did.
struct WorkerScript {
    std::optional<netdiag::SysError> spawn_error;  // CreateProcessW refuses it
    std::deque<std::string> output;                // written at once
    std::deque<std::string> output_on_stop;        // written once its stdin is closed
    bool exits_when_asked = true;                  // else the group has to terminate it
    unsigned long exit_code = 0;
    bool fail_duplicate = false;  // WSADuplicateSocketW refuses its process id

    std::mutex mutex;
    std::string input;
    bool input_closed = false;
    bool terminated = false;
};

// "exit code N", with the NTSTATUS in hex for an exception code, as the Windows shim says it.
accept::ProcessExit windows_exit(unsigned long code, bool terminated) {
    accept::ProcessExit exit;
    exit.exit_code = static_cast<int>(code);
    exit.abnormal = terminated || code >= 0xC0000000;
    exit.detail = "exit code " + std::to_string(code);
    if (code == 0xC0000005) exit.detail += " (0xC0000005)";
    return exit;
}

class ScriptedWorkerProcess final : public accept::WorkerProcess {
public:
    ScriptedWorkerProcess(std::shared_ptr<WorkerScript> script, std::int64_t pid)
        : script_(std::move(script)), pid_(pid) {}

    std::int64_t pid() const override { return pid_; }

    bool write_input(std::string_view text) override {
        const std::lock_guard lock(script_->mutex);
        script_->input.append(text);
        return true;
    }

    void close_input() override {
        const std::lock_guard lock(script_->mutex);
        script_->input_closed = true;
        for (auto& line : script_->output_on_stop) script_->output.push_back(std::move(line));
        script_->output_on_stop.clear();
    }

    accept::ReadResult read_output(std::span<char> buffer, Clock::time_point until) override {
        {
            const std::lock_guard lock(script_->mutex);
            if (!script_->output.empty()) {
                auto& chunk = script_->output.front();
                const auto n = std::min(chunk.size(), buffer.size());
                std::copy_n(chunk.begin(), n, buffer.begin());
                chunk.erase(0, n);
                if (chunk.empty()) script_->output.pop_front();
                return {accept::ReadResult::State::data, n};
            }
            if (ended()) return {accept::ReadResult::State::end, 0};
        }
        std::this_thread::sleep_for(std::min<Clock::duration>(2ms, until - Clock::now()));
        return {};
    }

    std::optional<accept::ProcessExit> wait_exit(Clock::time_point until) override {
        {
            const std::lock_guard lock(script_->mutex);
            if (script_->exits_when_asked && script_->input_closed) {
                return windows_exit(script_->exit_code, false);
            }
        }
        std::this_thread::sleep_until(until);
        return std::nullopt;
    }

    accept::ProcessExit kill_and_reap() override {
        const std::lock_guard lock(script_->mutex);
        script_->terminated = true;
        return windows_exit(1, true);
    }

private:
    bool ended() const {
        return script_->terminated || (script_->input_closed && script_->exits_when_asked);
    }

    std::shared_ptr<WorkerScript> script_;
    std::int64_t pid_;
};

constexpr accept::NativeSocket kFakeListener = 0x1f4;
constexpr int kFakeWsaeinval = 10022;

// Answers as the Windows shim does; each spawned worker follows the next script.
class WindowsLikeAcceptShim final : public accept::AcceptShim {
public:
    std::deque<std::shared_ptr<WorkerScript>> scripts;
    std::vector<std::vector<std::string>> spawned_args;
    std::vector<accept::NativeSocket> closed_sockets;
    // A thread worker's loop, by worker id.
    std::map<unsigned, std::function<void(const accept::ThreadWorker&)>> thread_loops;

    std::string_view os_name() const override { return "Windows"; }
    std::vector<accept::PatternInfo> patterns() const override {
        return {{"inherit-iocp", "inherit", "iocp-acceptex", true, "processes"},
                {"threads-iocp", "threads", "iocp-acceptex", false, "threads"}};
    }
    netdiag::SysError invalid_argument() const override {
        return windows_error(kFakeWsaeinval, "WSAEINVAL", "An invalid argument was supplied.");
    }
    std::string_view kill_verb() const override { return "terminated"; }

    accept::NativeSocket open_listener(const std::string&, std::uint16_t, int, accept::ListenerUse,
                                       std::vector<accept::WorkerFailure>&) override {
        return kFakeListener;
    }
    std::uint16_t local_port(accept::NativeSocket) override { return 50123; }
    void close_socket(accept::NativeSocket socket) override {
        const std::lock_guard lock(mutex_);
        closed_sockets.push_back(socket);
    }
    void prepare_reply(accept::NativeSocket, bool) override {}
    long receive(accept::NativeSocket, std::span<char>) override { return 0; }
    long send(accept::NativeSocket, std::string_view bytes, netdiag::SysError&) override {
        return static_cast<long>(bytes.size());
    }
    void finish_reply(accept::NativeSocket) override {}

    std::filesystem::path default_worker_executable() const override { return "netdiag.exe"; }
    accept::SpawnResult spawn_worker(const std::filesystem::path&,
                                     const std::vector<std::string>& args,
                                     accept::NativeSocket) override {
        spawned_args.push_back(args);
        auto script = scripts.front();
        scripts.pop_front();
        if (script->spawn_error) return {nullptr, "CreateProcessW", *script->spawn_error};
        processes_.push_back(script);
        return {std::make_unique<ScriptedWorkerProcess>(script, 4000 + next_pid_++), {}, {}};
    }
    accept::SocketHandOver hand_over(accept::NativeSocket, std::int64_t pid) override {
        const auto& script = processes_.at(static_cast<std::size_t>(pid - 4000));
        if (script->fail_duplicate) {
            return {{},
                    accept::WorkerFailure{
                        "WSADuplicateSocketW",
                        windows_error(10038, "WSAENOTSOCK",
                                      "An operation was attempted on something that is not a "
                                      "socket."),
                        1}};
        }
        return {R"({"protocol_info":"00"})", std::nullopt};
    }

    std::unique_ptr<accept::StopSignal> make_stop_signal() override {
        return std::make_unique<accept::StopSignal>();
    }
    void run_thread_worker(const accept::ThreadWorker& worker) override {
        thread_loops.at(worker.id)(worker);
    }

    void prepare_worker_process() override {}
    std::int64_t current_pid() const override { return 1; }
    void write_output(std::string_view) override {}
    accept::NativeSocket receive_listener(const accept::WorkerArgs&, accept::WorkerSink&) override {
        return accept::kNoSocket;
    }
    int run_process_loop(const accept::PatternInfo&, accept::NativeSocket,
                         const accept::WorkerArgs&, Clock::time_point, accept::PipeSink&) override {
        return 0;
    }

private:
    std::mutex mutex_;
    std::vector<std::shared_ptr<WorkerScript>> processes_;
    unsigned next_pid_ = 0;
};

std::shared_ptr<WorkerScript> well_behaved_worker(unsigned id, std::uint64_t accepted) {
    auto script = std::make_shared<WorkerScript>();
    script->output.push_back(windows_line(ready_message(id)));
    script->output_on_stop.push_back(windows_line(summary_message(id, accepted)));
    return script;
}

accept::GroupOptions options_for(const std::string& pattern, unsigned workers) {
    accept::GroupOptions options;
    options.pattern = pattern;
    options.workers = workers;
    options.worker_executable = "netdiag.exe";
    return options;
}

}  // namespace

TEST_CASE("worker lines ending in \\r\\n are read as lines on every OS", "[unit]") {
    accept::WorkerLines lines;
    lines.append("{\"a\":1}\r\n{\"b\"");
    CHECK(lines.next() == std::optional<std::string>("{\"a\":1}"));
    CHECK_FALSE(lines.next());
    lines.append(":2}\n\r\n");
    CHECK(lines.next() == std::optional<std::string>("{\"b\":2}"));
    CHECK(lines.next() == std::optional<std::string>(""));
    CHECK_FALSE(lines.next());
}

TEST_CASE("a Windows worker's \\r\\n lines reach the group: ready, summary, a clean exit",
          "[unit]") {
    auto shim = std::make_shared<WindowsLikeAcceptShim>();
    auto worker = well_behaved_worker(0, 12);
    // A failure split across two reads, as a pipe may deliver it.
    accept::WorkerMessage failure;
    failure.type = accept::WorkerMessage::Type::failure;
    failure.worker = 0;
    failure.failure = {
        "AcceptEx completion",
        windows_error(995, "ERROR_OPERATION_ABORTED", "The I/O operation has been aborted."), 3};
    const auto line = windows_line(failure);
    worker->output_on_stop.push_front(line.substr(line.size() / 2));
    worker->output_on_stop.push_front(line.substr(0, line.size() / 2));
    shim->scripts.push_back(worker);

    auto started = accept::start_group(shim, options_for("inherit-iocp", 1), Clock::now() + 5s);
    REQUIRE(started.group);
    CHECK(started.group->port() == 50123);
    CHECK(started.group->wait_ready(Clock::now() + 5s));
    CHECK(started.group->worker_pid(0) == 4000);
    const auto result = started.group->stop(Clock::now() + 5s);

    REQUIRE(result.workers.size() == 1);
    const auto& w = result.workers[0];
    CHECK(w.ready);
    CHECK(w.summary_received);
    CHECK(w.accepted == 12);
    CHECK(w.end == accept::WorkerEnd::exited);
    CHECK(w.end_detail == "exit code 0");
    REQUIRE(w.failures.size() == 1);
    CHECK(w.failures[0].step == "AcceptEx completion");
    CHECK(w.failures[0].error.native_name == "ERROR_OPERATION_ABORTED");
    CHECK(w.failures[0].count == 3);
    // The listener went to the worker as a line on its stdin, and is closed by the group.
    CHECK(worker->input == "{\"protocol_info\":\"00\"}\n");
    CHECK(shim->closed_sockets == std::vector<accept::NativeSocket>{kFakeListener});
    CHECK(shim->spawned_args.at(0) ==
          std::vector<std::string>{"accept-worker", "--pattern", "inherit-iocp", "--id", "0",
                                   "--reply", "id", "--lifetime-ms", "60000"});
}

TEST_CASE("a worker that never gets ready holds wait_ready to its deadline, then is terminated",
          "[unit]") {
    auto shim = std::make_shared<WindowsLikeAcceptShim>();
    auto silent = std::make_shared<WorkerScript>();
    silent->exits_when_asked = false;
    shim->scripts.push_back(silent);

    auto started = accept::start_group(shim, options_for("inherit-iocp", 1), Clock::now() + 5s);
    REQUIRE(started.group);
    const auto before = Clock::now();
    CHECK_FALSE(started.group->wait_ready(before + 150ms));
    CHECK(Clock::now() - before >= 150ms);
    const auto result = started.group->stop(Clock::now() + 100ms);

    REQUIRE(result.workers.size() == 1);
    const auto& w = result.workers[0];
    CHECK_FALSE(w.ready);
    CHECK(silent->terminated);
    CHECK(w.end == accept::WorkerEnd::killed);
    CHECK(w.exit_code == 1);
    CHECK(w.end_detail == "exit code 1: did not stop in time, terminated by netdiag");
}

TEST_CASE("a spawn refused with a Win32 error leaves that worker never started, the others run",
          "[unit]") {
    auto shim = std::make_shared<WindowsLikeAcceptShim>();
    auto refused = std::make_shared<WorkerScript>();
    refused->spawn_error =
        windows_error(2, "ERROR_FILE_NOT_FOUND", "The system cannot find the file specified.");
    shim->scripts.push_back(refused);
    shim->scripts.push_back(well_behaved_worker(1, 5));

    auto started = accept::start_group(shim, options_for("inherit-iocp", 2), Clock::now() + 5s);
    REQUIRE(started.group);
    CHECK(started.group->wait_ready(Clock::now() + 5s));
    CHECK(started.group->worker_pid(0) == 0);
    const auto result = started.group->stop(Clock::now() + 5s);

    REQUIRE(result.workers.size() == 2);
    const auto& never = result.workers[0];
    CHECK(never.end == accept::WorkerEnd::never_started);
    CHECK(never.end_detail ==
          "CreateProcessW: ERROR_FILE_NOT_FOUND (2) The system cannot find the file specified.");
    REQUIRE(never.failures.size() == 1);
    CHECK(never.failures[0].step == "CreateProcessW");
    CHECK(never.failures[0].error.native == 2);
    CHECK(result.workers[1].end == accept::WorkerEnd::exited);
    CHECK(result.workers[1].accepted == 5);
}

TEST_CASE("a failed WSADuplicateSocketW is the group's setup failure, named by worker", "[unit]") {
    auto shim = std::make_shared<WindowsLikeAcceptShim>();
    shim->scripts.push_back(well_behaved_worker(0, 1));
    auto orphan = std::make_shared<WorkerScript>();
    orphan->fail_duplicate = true;
    orphan->output.push_back(windows_line([] {
        accept::WorkerMessage m;
        m.type = accept::WorkerMessage::Type::failure;
        m.worker = 1;
        m.failure = {"read the socket from the parent",
                     windows_error(109, "ERROR_BROKEN_PIPE", "The pipe has been ended."), 1};
        return m;
    }()));
    orphan->output_on_stop.push_back(windows_line(summary_message(1, 0)));
    orphan->exit_code = 3;
    shim->scripts.push_back(orphan);

    auto started = accept::start_group(shim, options_for("inherit-iocp", 2), Clock::now() + 5s);
    REQUIRE(started.group);
    // The failed worker is settled by its failure: the wait does not run to the deadline.
    const auto before = Clock::now();
    CHECK(started.group->wait_ready(before + 5s));
    CHECK(Clock::now() - before < 4s);
    const auto result = started.group->stop(Clock::now() + 5s);

    REQUIRE(result.setup_failures.size() == 1);
    CHECK(result.setup_failures[0].step == "WSADuplicateSocketW for worker 1");
    CHECK(result.setup_failures[0].error.native_name == "WSAENOTSOCK");
    CHECK(orphan->input.empty());
    REQUIRE(result.workers.size() == 2);
    CHECK(result.workers[1].end == accept::WorkerEnd::exited_early);
    CHECK(result.workers[1].exit_code == 3);
}

TEST_CASE("an NTSTATUS exit code is a crash, not an early exit", "[unit]") {
    auto shim = std::make_shared<WindowsLikeAcceptShim>();
    auto crashing = well_behaved_worker(0, 0);
    crashing->output_on_stop.clear();
    crashing->exit_code = 0xC0000005;
    shim->scripts.push_back(crashing);

    auto started = accept::start_group(shim, options_for("inherit-iocp", 1), Clock::now() + 5s);
    REQUIRE(started.group);
    CHECK(started.group->wait_ready(Clock::now() + 5s));
    const auto result = started.group->stop(Clock::now() + 5s);
    REQUIRE(result.workers.size() == 1);
    CHECK(result.workers[0].end == accept::WorkerEnd::crashed);
    CHECK(result.workers[0].end_detail == "exit code 3221225477 (0xC0000005)");
}

TEST_CASE("an unknown pattern is refused with WSAEINVAL, naming Windows", "[unit]") {
    auto shim = std::make_shared<WindowsLikeAcceptShim>();
    auto started = accept::start_group(shim, options_for("reuseport", 2), Clock::now() + 5s);
    CHECK_FALSE(started.group);
    REQUIRE(started.failure.setup_failures.size() == 1);
    CHECK(started.failure.setup_failures[0].step ==
          "pattern reuseport is not available on Windows");
    CHECK(started.failure.setup_failures[0].error.native == kFakeWsaeinval);
}

TEST_CASE("threads-iocp: a failed association closes the listener, later threads never start",
          "[unit]") {
    auto shim = std::make_shared<WindowsLikeAcceptShim>();
    // Worker 0 holds the completion port and waits for the stop, as the IOCP loop does.
    shim->thread_loops[0] = [](const accept::ThreadWorker& worker) {
        worker.sink.ready();
        while (!worker.stop.flag()) std::this_thread::sleep_for(1ms);
    };
    // Worker 1's association fails with ERROR_INVALID_PARAMETER (87).
    shim->thread_loops[1] = [](const accept::ThreadWorker& worker) {
        worker.sink.failure(
            "CreateIoCompletionPort (associate the listening socket)",
            windows_error(87, "ERROR_INVALID_PARAMETER", "The parameter is incorrect."));
        worker.on_association_failure();
    };

    auto started = accept::start_group(shim, options_for("threads-iocp", 3), Clock::now() + 5s);
    REQUIRE(started.group);
    CHECK(started.group->wait_ready(Clock::now() + 5s));
    CHECK(started.group->worker_pid(0) == 0);
    const auto result = started.group->stop(Clock::now() + 5s);

    REQUIRE(result.workers.size() == 3);
    CHECK(result.workers[0].end == accept::WorkerEnd::exited);
    CHECK(result.workers[0].end_detail == "thread joined");
    REQUIRE(result.workers[1].failures.size() == 1);
    CHECK(result.workers[1].failures[0].error.native == 87);
    CHECK(result.workers[2].end == accept::WorkerEnd::never_started);
    CHECK(result.workers[2].end_detail ==
          "not started: worker 1 closed the listening socket after its association failed");
    REQUIRE(result.notes.size() == 1);
    // Closed once, by the failed association, not again at stop.
    CHECK(shim->closed_sockets == std::vector<accept::NativeSocket>{kFakeListener});
}

}  // namespace accept_group_policy_test
