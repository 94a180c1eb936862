// Worker groups on Windows: N netdiag processes each given the listener with
// WSADuplicateSocketW (the socket travels as WSAPROTOCOL_INFOW on the worker's stdin), or N
// threads of this process each with its own loop on the one socket.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "platform/child_start_gate.hpp"
#include "platform/windows/accept_windows_internal.hpp"

namespace netdiag::platform::accept {
namespace {

using windows::WorkerSink;

// Only one spawn at a time: the child ends of our pipes are inheritable only while
// CreateProcessW runs, so no other worker can inherit them by accident.
std::mutex spawn_mutex;

struct Spawned {
    PROCESS_INFORMATION process{};
    HANDLE to_child = nullptr;
    HANDLE from_child = nullptr;
    std::string failed_step;
    SysError error;
};

Spawned spawn_worker(const std::filesystem::path& executable, const std::wstring& arguments) {
    Spawned spawned;
    const std::lock_guard lock(spawn_mutex);
    SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    HANDLE child_in = nullptr, child_out = nullptr;
    auto fail = [&](const char* step) {
        spawned.failed_step = step;
        spawned.error = windows::win32_error(::GetLastError());
    };
    if (!::CreatePipe(&child_in, &spawned.to_child, &inherit, 0) ||
        !::CreatePipe(&spawned.from_child, &child_out, &inherit, 0)) {
        fail("CreatePipe");
        return spawned;
    }
    // Our ends stay in this process.
    ::SetHandleInformation(spawned.to_child, HANDLE_FLAG_INHERIT, 0);
    ::SetHandleInformation(spawned.from_child, HANDLE_FLAG_INHERIT, 0);
    HANDLE null_out = ::CreateFileW(L"NUL", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                    &inherit, OPEN_EXISTING, 0, nullptr);

    // Pass exactly these handles (PROC_THREAD_ATTRIBUTE_HANDLE_LIST).
    HANDLE handles[3] = {child_in, child_out, null_out};
    const DWORD handle_count = null_out == INVALID_HANDLE_VALUE ? 2 : 3;
    SIZE_T size = 0;
    ::InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
    std::vector<char> attribute_storage(size);
    auto* attributes = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(attribute_storage.data());
    const bool have_list =
        ::InitializeProcThreadAttributeList(attributes, 1, 0, &size) &&
        ::UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, handles,
                                    handle_count * sizeof(HANDLE), nullptr, nullptr);

    STARTUPINFOEXW startup{};
    startup.StartupInfo.cb = sizeof startup;
    startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    startup.StartupInfo.hStdInput = child_in;
    startup.StartupInfo.hStdOutput = child_out;
    startup.StartupInfo.hStdError = null_out == INVALID_HANDLE_VALUE ? child_out : null_out;
    startup.lpAttributeList = have_list ? attributes : nullptr;

    std::wstring command = L"\"" + executable.wstring() + L"\" " + arguments;
    BOOL ok = FALSE;
    {
        const auto gate = netdiag::platform::hold_for_child_start();
        ok = ::CreateProcessW(executable.wstring().c_str(), command.data(), nullptr, nullptr, TRUE,
                              CREATE_NO_WINDOW | (have_list ? EXTENDED_STARTUPINFO_PRESENT : 0),
                              nullptr, nullptr, &startup.StartupInfo, &spawned.process);
    }
    if (!ok) fail("CreateProcessW");
    if (have_list) ::DeleteProcThreadAttributeList(attributes);
    ::CloseHandle(child_in);
    ::CloseHandle(child_out);
    if (null_out != INVALID_HANDLE_VALUE) ::CloseHandle(null_out);
    if (!ok) {
        ::CloseHandle(spawned.to_child);
        ::CloseHandle(spawned.from_child);
        spawned.to_child = spawned.from_child = nullptr;
    }
    return spawned;
}

bool write_line(HANDLE pipe, const std::string& line) {
    const auto text = line + "\n";
    DWORD written = 0;
    return ::WriteFile(pipe, text.data(), static_cast<DWORD>(text.size()), &written, nullptr) &&
           written == text.size();
}

// ---------------------------------------------------------------- process workers

class ProcessGroup final : public WorkerGroup {
public:
    ProcessGroup(const GroupOptions& options, const PatternInfo& pattern, SOCKET listener)
        : listener_(listener) {
        result_.pattern = pattern.id;
        result_.port = windows::local_port(listener);
        workers_.resize(options.workers);
        for (unsigned i = 0; i < options.workers; ++i) workers_[i].result.id = i;
    }

    ~ProcessGroup() override {
        if (!stopped_) stop(Clock::now() + std::chrono::milliseconds(200));
    }

    void spawn_all(const GroupOptions& options, const PatternInfo& pattern,
                   Clock::time_point deadline) {
        const auto executable =
            options.worker_executable.empty() ? self_executable() : options.worker_executable;
        for (auto& w : workers_) {
            if (Clock::now() >= deadline) {
                w.result.end = WorkerEnd::never_started;
                w.result.end_detail = "not started: the probe's deadline passed";
                w.eof = true;
                continue;
            }
            const auto arguments = platform::windows::to_wide(
                "accept-worker --pattern " + pattern.id + " --id " + std::to_string(w.result.id) +
                " --reply " + (options.reply == Reply::http ? "http" : "id") + " --lifetime-ms " +
                std::to_string(options.worker_lifetime.count()));
            auto spawned = spawn_worker(executable, arguments);
            if (spawned.process.hProcess == nullptr) {
                const std::lock_guard lock(mutex_);
                w.result.end = WorkerEnd::never_started;
                w.result.end_detail = spawned.failed_step + ": " + spawned.error.describe();
                add_failure(w.result.failures, {spawned.failed_step, spawned.error, 1});
                w.eof = true;
                continue;
            }
            ::CloseHandle(spawned.process.hThread);
            w.process = spawned.process.hProcess;
            w.result.pid = spawned.process.dwProcessId;
            w.to_child = spawned.to_child;
            w.from_child = spawned.from_child;
            w.reader = std::thread([this, &w] { read_messages(w); });
            // The socket for that one process: WSADuplicateSocketW needs its id.
            WSAPROTOCOL_INFOW info{};
            if (::WSADuplicateSocketW(listener_, spawned.process.dwProcessId, &info) != 0) {
                const std::lock_guard lock(mutex_);
                add_failure(result_.setup_failures,
                            {"WSADuplicateSocketW for worker " + std::to_string(w.result.id),
                             describe_native_error(WSAGetLastError()), 1});
                continue;  // the worker fails to read its socket and says so
            }
            const nlohmann::json line{{"protocol_info", windows::protocol_info_to_hex(info)}};
            write_line(w.to_child, line.dump());
        }
    }

    std::uint16_t port() const override { return result_.port; }

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
            const std::lock_guard lock(mutex_);
            for (auto& w : workers_) {
                w.stop_requested = true;
                if (w.to_child != nullptr) ::CloseHandle(w.to_child);
                w.to_child = nullptr;
            }
        }
        for (auto& w : workers_) {
            if (w.process == nullptr) continue;
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            bool killed = false;
            if (::WaitForSingleObject(w.process, static_cast<DWORD>(std::max<long long>(
                                                     0, left.count()))) != WAIT_OBJECT_0) {
                ::TerminateProcess(w.process, 1);
                ::WaitForSingleObject(w.process, 5000);
                killed = true;
            }
            DWORD code = 0;
            ::GetExitCodeProcess(w.process, &code);
            ::CloseHandle(w.process);
            w.process = nullptr;
            // The process is gone, so its pipe reaches end of file and the reader ends.
            if (w.reader.joinable()) w.reader.join();
            const std::lock_guard lock(mutex_);
            classify(w, code, killed);
        }
        for (auto& w : workers_) {
            if (w.reader.joinable()) w.reader.join();
            if (w.from_child != nullptr) ::CloseHandle(w.from_child);
            w.from_child = nullptr;
            result_.workers.push_back(w.result);
        }
        ::closesocket(listener_);
        return result_;
    }

private:
    struct Worker {
        WorkerResult result;
        HANDLE process = nullptr;
        HANDLE to_child = nullptr;
        HANDLE from_child = nullptr;
        std::thread reader;
        bool eof = false;
        bool eof_before_stop = false;
        bool stop_requested = false;
        bool killed_by_group = false;
    };

    void classify(Worker& w, DWORD code, bool killed_at_deadline) {
        auto& r = w.result;
        r.exit_code = static_cast<int>(code);
        char hex[16];
        std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(code));
        r.end_detail = "exit code " + std::to_string(code) +
                       (code >= 0xC0000000 ? " (" + std::string(hex) + ")" : "");
        if (killed_at_deadline) {
            r.end = WorkerEnd::killed;
            r.end_detail += ": did not stop in time, terminated by netdiag";
        } else if (w.killed_by_group) {
            r.end = WorkerEnd::killed;
        } else if (code >= 0xC0000000) {
            r.end = WorkerEnd::crashed;  // an NTSTATUS exception code
        } else if (w.eof_before_stop || code != 0 || !r.summary_received) {
            r.end = WorkerEnd::exited_early;
        } else {
            r.end = WorkerEnd::exited;
        }
    }

    void read_messages(Worker& w) {
        std::string pending;
        char buffer[4096];
        DWORD got = 0;
        while (::ReadFile(w.from_child, buffer, sizeof buffer, &got, nullptr) && got > 0) {
            pending.append(buffer, got);
            std::size_t newline;
            const std::lock_guard lock(mutex_);
            while ((newline = pending.find('\n')) != std::string::npos) {
                auto text = pending.substr(0, newline);
                if (!text.empty() && text.back() == '\r') text.pop_back();
                pending.erase(0, newline + 1);
                const auto message = decode_worker_message(text);
                if (message && message->worker == w.result.id) {
                    apply_worker_message(w.result, *message);
                }
            }
            cv_.notify_all();
        }
        const std::lock_guard lock(mutex_);
        w.eof = true;
        if (!w.stop_requested) w.eof_before_stop = true;
        cv_.notify_all();
    }

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Worker> workers_;
    GroupResult result_;
    SOCKET listener_;
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
    ThreadGroup(const GroupOptions& options, const PatternInfo& pattern, SOCKET listener,
                Clock::time_point deadline)
        : listener_(listener) {
        result_.pattern = pattern.id;
        result_.port = windows::local_port(listener);
        for (unsigned i = 0; i < options.workers; ++i) {
            auto& slot = slots_.emplace_back();
            slot.result.id = i;
            slot.sink = std::make_unique<ThreadSink>(mutex_, slot.result);
        }
        const bool iocp = pattern.wait == "iocp-acceptex";
        for (auto& slot : slots_) {
            {
                const std::lock_guard lock(mutex_);
                if (listener_closed_) {
                    slot.result.end = WorkerEnd::never_started;
                    slot.result.end_detail = closed_note_;
                    continue;
                }
            }
            slot.thread = std::thread([this, &slot, iocp, reply = options.reply] {
                if (iocp) {
                    windows::run_iocp_loop(listener_, slot.result.id, reply, stop_, *slot.sink,
                                           [this, &slot] { close_listener_after(slot.result.id); });
                } else {
                    windows::run_poll_loop(listener_, slot.result.id, reply, stop_, *slot.sink);
                }
                const std::lock_guard lock(mutex_);
                slot.loop_ended = true;
            });
            // The proactor case in order: each loop associates and posts before the next one
            // starts, so worker 0 holds the port and worker 1 meets the failure.
            if (iocp) wait_started(slot, deadline);
        }
    }

    ~ThreadGroup() override {
        if (!stopped_) stop(Clock::now());
    }

    std::uint16_t port() const override { return result_.port; }

    bool wait_ready(Clock::time_point deadline) override {
        for (auto& slot : slots_) wait_started(slot, deadline);
        const std::lock_guard lock(mutex_);
        for (const auto& s : slots_) {
            if (s.result.ready && !s.loop_ended) return true;
        }
        return false;
    }

    std::int64_t worker_pid(unsigned) const override { return 0; }

    GroupResult stop(Clock::time_point) override {
        if (stopped_) return result_;
        stopped_ = true;
        stop_ = true;  // every loop looks at it at least every 100 ms
        for (auto& slot : slots_) {
            if (slot.thread.joinable()) slot.thread.join();
            slot.result.accepted = slot.sink->accepted.load();
            slot.result.spurious_wakeups = slot.sink->spurious_wakeups.load();
            if (slot.result.end != WorkerEnd::never_started) {
                slot.result.summary_received = true;
                slot.result.end = WorkerEnd::exited;
                slot.result.end_detail = "thread joined";
            }
            result_.workers.push_back(slot.result);
        }
        if (!listener_closed_) ::closesocket(listener_);
        return result_;
    }

private:
    struct Slot {
        WorkerResult result;
        std::unique_ptr<ThreadSink> sink;
        std::thread thread;
        bool loop_ended = false;
    };

    void wait_started(Slot& slot, Clock::time_point deadline) {
        while (Clock::now() < deadline) {
            {
                const std::lock_guard lock(mutex_);
                if (slot.result.ready || slot.loop_ended || !slot.result.failures.empty() ||
                    slot.result.end == WorkerEnd::never_started) {
                    return;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }

    // What asyncio's proactor does when the association fails: it closes the socket, and
    // every other loop's pending AcceptEx completes with ERROR_OPERATION_ABORTED (995).
    void close_listener_after(unsigned worker) {
        const std::lock_guard lock(mutex_);
        if (listener_closed_) return;
        listener_closed_ = true;
        ::closesocket(listener_);
        closed_note_ = "not started: worker " + std::to_string(worker) +
                       " closed the listening socket after its association failed";
        result_.notes.push_back("Worker " + std::to_string(worker) +
                                " closed the listening socket after its association failed, as "
                                "asyncio's ProactorEventLoop does.");
    }

    std::mutex mutex_;
    std::deque<Slot> slots_;
    GroupResult result_;
    SOCKET listener_;
    std::atomic<bool> stop_{false};
    bool listener_closed_ = false;
    std::string closed_note_;
    bool stopped_ = false;
};

}  // namespace

StartOutcome start_group(const GroupOptions& options, Clock::time_point deadline) {
    StartOutcome outcome;
    outcome.failure.pattern = options.pattern;
    const auto pattern = find_pattern(options.pattern);
    if (!pattern) {
        outcome.failure.setup_failures.push_back(
            {"pattern " + options.pattern + " is not available on Windows",
             describe_native_error(WSAEINVAL), 1});
        return outcome;
    }
    const SOCKET listener = windows::open_listener(options.address, options.port, options.backlog,
                                                   outcome.failure.setup_failures);
    if (listener == INVALID_SOCKET) return outcome;
    if (!pattern->processes) {
        outcome.group = std::make_unique<ThreadGroup>(options, *pattern, listener, deadline);
        return outcome;
    }
    auto group = std::make_unique<ProcessGroup>(options, *pattern, listener);
    group->spawn_all(options, *pattern, deadline);
    outcome.group = std::move(group);
    return outcome;
}

}  // namespace netdiag::platform::accept
