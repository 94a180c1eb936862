// One accept worker process on Windows (`netdiag accept-worker …`): reads the duplicated
// listener's WSAPROTOCOL_INFOW from the first line of stdin, opens it with
// WSASocketW(FROM_PROTOCOL_INFO), serves connections and reports to its parent on stdout, one
// JSON object per line. End of file on stdin means stop. Also: the pattern list, this
// executable's path, and the raw IOCP calls for checking reports.
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "platform/windows/accept_windows_internal.hpp"

namespace netdiag::platform::accept {
namespace {

using windows::WorkerSink;

class PipeSink final : public WorkerSink {
public:
    PipeSink(unsigned id, HANDLE out) : id_(id), out_(out) {}

    void ready() override {
        WorkerMessage m;
        m.type = WorkerMessage::Type::ready;
        m.worker = id_;
        m.pid = static_cast<std::int64_t>(::GetCurrentProcessId());
        send(m);
    }

    void failure(const std::string& step, const SysError& error) override {
        bool first = false;
        {
            const std::lock_guard lock(mutex_);
            const auto before = failures_.size();
            add_failure(failures_, {step, error, 1});
            first = failures_.size() != before;
        }
        if (first) send(failure_message({step, error, 1}));
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
        DWORD written = 0;
        ::WriteFile(out_, line.data(), static_cast<DWORD>(line.size()), &written, nullptr);
    }

    unsigned id_;
    HANDLE out_;
    std::mutex mutex_;
    std::mutex write_mutex_;
    std::vector<WorkerFailure> failures_;
};

// The first line of stdin, read byte by byte so nothing after it is consumed.
bool read_first_line(HANDLE in, std::string& line) {
    char c = 0;
    DWORD got = 0;
    while (line.size() < 16384) {
        if (!::ReadFile(in, &c, 1, &got, nullptr) || got == 0) return false;
        if (c == '\n') return true;
        line += c;
    }
    return false;
}

}  // namespace

int run_worker_process(const WorkerArgs& args) {
    const auto info = find_pattern(args.pattern);
    if (!info || !info->processes) return 2;
    HANDLE in = ::GetStdHandle(STD_INPUT_HANDLE);
    PipeSink sink(args.id, ::GetStdHandle(STD_OUTPUT_HANDLE));

    std::string line;
    WSAPROTOCOL_INFOW protocol{};
    if (!read_first_line(in, line)) {
        sink.failure("read the socket from the parent", windows::win32_error(::GetLastError()));
        sink.finish();
        return 3;
    }
    const auto message = nlohmann::json::parse(line, nullptr, false);
    if (!message.is_object() || !message.contains("protocol_info") ||
        !windows::protocol_info_from_hex(message.value("protocol_info", ""), protocol)) {
        sink.failure("parse the socket from the parent", describe_native_error(WSAEINVAL));
        sink.finish();
        return 3;
    }
    const SOCKET listener =
        ::WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &protocol, 0,
                     WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (listener == INVALID_SOCKET) {
        sink.failure("WSASocketW(FROM_PROTOCOL_INFO)", describe_native_error(WSAGetLastError()));
        sink.finish();
        return 3;
    }

    // Stop at end of file on stdin (the parent closed it, or died) or at the lifetime.
    // Neither thread is detached at creation (winpthreads can crash a thread detached before it
    // starts); the process ends with std::_Exit below, under them, and an exception on the way
    // detaches them once they surely run.
    std::atomic<bool> stop{false};
    std::thread stdin_watch([&stop, in] {
        char buffer[256];
        DWORD got = 0;
        while (::ReadFile(in, buffer, sizeof buffer, &got, nullptr) && got > 0) {
        }
        stop = true;
    });
    const auto end = Clock::now() + args.lifetime;
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
    if (info->wait == "iocp-acceptex") {
        windows::run_iocp_loop(listener, args.id, args.reply, stop, sink, [&] {
            // asyncio's proactor closes the socket when the association fails.
            association_failed = true;
            ::closesocket(listener);
        });
    } else {
        windows::run_poll_loop(listener, args.id, args.reply, stop, sink);
    }
    // A loop that ended before being asked to stop failed: wait for the stop all the same, so
    // the parent collects this worker's summary with the others.
    while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!association_failed) ::closesocket(listener);
    sink.finish();
    std::_Exit(association_failed ? 3 : 0);
}

std::vector<PatternInfo> patterns() {
    return {
        {"inherit-iocp", "inherit", "iocp-acceptex", true,
         "N processes each open the listener duplicated with WSADuplicateSocket, associate it "
         "with their own I/O completion port and post AcceptEx (asyncio ProactorEventLoop in "
         "multi-process servers)"},
        {"inherit-poll", "inherit", "poll", true,
         "N processes share the duplicated listener and wait with WSAPoll before accept "
         "(select-based loops: asyncio SelectorEventLoop)"},
        {"threads-iocp", "threads", "iocp-acceptex", false,
         "N threads each with its own I/O completion port and AcceptEx on the same listening "
         "socket (the model-server case: WinError 87, then 995)"},
        {"threads-poll", "threads", "poll", false,
         "N threads each waiting with WSAPoll on the same listening socket, then accept"},
    };
}

std::vector<UnavailablePattern> unavailable_patterns() {
    return {{"reuseport",
             "Windows has no SO_REUSEPORT: SO_REUSEADDR there lets another socket bind a port "
             "already in use and take connections from it (port stealing), not share the load, "
             "and SO_EXCLUSIVEADDRUSE forbids that. Workers share one listener instead "
             "(WSADuplicateSocket or handle inheritance)."}};
}

std::optional<PatternInfo> find_pattern(std::string_view id) {
    for (auto& p : patterns()) {
        if (p.id == id) return p;
    }
    return std::nullopt;
}

std::filesystem::path self_executable() {
    std::wstring path(MAX_PATH, L'\0');
    while (true) {
        const DWORD n = ::GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
        if (n == 0) return {};
        if (n < path.size()) {
            path.resize(n);
            return std::filesystem::path(path);
        }
        path.resize(path.size() * 2);
    }
}

// Windows has no per-process descriptor limit like RLIMIT_NOFILE.
std::optional<std::uint64_t> open_files_limit() {
    return std::nullopt;
}

}  // namespace netdiag::platform::accept
