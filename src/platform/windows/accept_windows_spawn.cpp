// The Windows shim's worker processes: started with CreateProcessW with exactly their pipe
// handles inherited, given the listener with WSADuplicateSocketW, read through PeekNamedPipe
// with a deadline, waited for with WaitForSingleObject, ended with TerminateProcess.
#include <cstdio>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "platform/child_start_gate.hpp"
#include "platform/windows/accept_windows_shim.hpp"

namespace netdiag::platform::accept::windows {
namespace {

// Only one spawn at a time: the child ends of our pipes are inheritable only while
// CreateProcessW runs, so no other worker can inherit them by accident.
std::mutex spawn_mutex;

// How often a read with a deadline looks at the pipe: anonymous pipes have no overlapped reads.
constexpr auto peek_interval = std::chrono::milliseconds(2);

void close_handle(HANDLE& handle) {
    if (handle != nullptr) ::CloseHandle(handle);
    handle = nullptr;
}

// "exit code 3", and the NTSTATUS in hex for an exception code ("exit code 3221225477
// (0xC0000005)"), which means the process crashed.
ProcessExit exit_of(DWORD code) {
    ProcessExit exit;
    exit.exit_code = static_cast<int>(code);
    exit.abnormal = code >= 0xC0000000;
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(code));
    exit.detail = "exit code " + std::to_string(code) +
                  (code >= 0xC0000000 ? " (" + std::string(hex) + ")" : "");
    return exit;
}

// One argument of a command line, quoted when it holds a space.
std::string command_word(const std::string& arg) {
    if (!arg.empty() && arg.find_first_of(" \t\"") == std::string::npos) return arg;
    std::string quoted = "\"";
    for (const char c : arg) {
        if (c == '"') quoted += '\\';
        quoted += c;
    }
    return quoted + "\"";
}

class WindowsWorkerProcess final : public WorkerProcess {
public:
    WindowsWorkerProcess(const PROCESS_INFORMATION& process, HANDLE to_child, HANDLE from_child)
        : process_(process.hProcess),
          pid_(process.dwProcessId),
          to_child_(to_child),
          from_child_(from_child) {}
    ~WindowsWorkerProcess() override {
        close_handle(to_child_);
        close_handle(from_child_);
        close_handle(process_);
    }

    std::int64_t pid() const override { return pid_; }

    bool write_input(std::string_view text) override {
        DWORD written = 0;
        return ::WriteFile(to_child_, text.data(), static_cast<DWORD>(text.size()), &written,
                           nullptr) &&
               written == text.size();
    }

    void close_input() override { close_handle(to_child_); }

    ReadResult read_output(std::span<char> buffer, Clock::time_point until) override {
        while (true) {
            DWORD available = 0;
            const bool alive =
                ::PeekNamedPipe(from_child_, nullptr, 0, nullptr, &available, nullptr);
            // A broken pipe still hands over what was written before it broke; then it ends.
            if (!alive || available > 0) {
                DWORD got = 0;
                const DWORD want = alive ? std::min(available, static_cast<DWORD>(buffer.size()))
                                         : static_cast<DWORD>(buffer.size());
                if (!::ReadFile(from_child_, buffer.data(), want, &got, nullptr) || got == 0) {
                    return {ReadResult::State::end, 0};
                }
                return {ReadResult::State::data, got};
            }
            if (Clock::now() >= until) return {};
            std::this_thread::sleep_for(peek_interval);
        }
    }

    std::optional<ProcessExit> wait_exit(Clock::time_point until) override {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
        if (::WaitForSingleObject(process_, static_cast<DWORD>(std::max<long long>(
                                                0, left.count()))) != WAIT_OBJECT_0) {
            return std::nullopt;
        }
        DWORD code = 0;
        ::GetExitCodeProcess(process_, &code);
        return exit_of(code);
    }

    // Whatever code it ends with, a terminated worker was ended by us.
    ProcessExit kill_and_reap() override {
        ::TerminateProcess(process_, 1);
        ::WaitForSingleObject(process_, 5000);
        DWORD code = 0;
        ::GetExitCodeProcess(process_, &code);
        auto exit = exit_of(code);
        exit.abnormal = true;
        return exit;
    }

private:
    HANDLE process_;
    DWORD pid_;
    HANDLE to_child_;
    HANDLE from_child_;
};

}  // namespace

SpawnResult WindowsAcceptShim::spawn_worker(const std::filesystem::path& executable,
                                            const std::vector<std::string>& args, NativeSocket) {
    SpawnResult result;
    std::string arguments;
    for (const auto& arg : args) arguments += (arguments.empty() ? "" : " ") + command_word(arg);

    const std::lock_guard lock(spawn_mutex);
    SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    HANDLE child_in = nullptr, child_out = nullptr, to_child = nullptr, from_child = nullptr;
    auto fail = [&](const char* step) {
        result.failed_step = step;
        result.error = win32_error(::GetLastError());
    };
    if (!::CreatePipe(&child_in, &to_child, &inherit, 0) ||
        !::CreatePipe(&from_child, &child_out, &inherit, 0)) {
        fail("CreatePipe");
        for (HANDLE* h : {&child_in, &to_child, &from_child, &child_out}) close_handle(*h);
        return result;
    }
    // Our ends stay in this process.
    ::SetHandleInformation(to_child, HANDLE_FLAG_INHERIT, 0);
    ::SetHandleInformation(from_child, HANDLE_FLAG_INHERIT, 0);
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

    std::wstring command =
        L"\"" + executable.wstring() + L"\" " + platform::windows::to_wide(arguments);
    PROCESS_INFORMATION process{};
    BOOL ok = FALSE;
    {
        const auto gate = netdiag::platform::hold_for_child_start();
        ok = ::CreateProcessW(executable.wstring().c_str(), command.data(), nullptr, nullptr, TRUE,
                              CREATE_NO_WINDOW | (have_list ? EXTENDED_STARTUPINFO_PRESENT : 0),
                              nullptr, nullptr, &startup.StartupInfo, &process);
    }
    if (!ok) fail("CreateProcessW");
    if (have_list) ::DeleteProcThreadAttributeList(attributes);
    close_handle(child_in);
    close_handle(child_out);
    if (null_out != INVALID_HANDLE_VALUE) ::CloseHandle(null_out);
    if (!ok) {
        close_handle(to_child);
        close_handle(from_child);
        return result;
    }
    ::CloseHandle(process.hThread);
    result.process = std::make_unique<WindowsWorkerProcess>(process, to_child, from_child);
    return result;
}

SocketHandOver WindowsAcceptShim::hand_over(NativeSocket listener, std::int64_t pid) {
    // The socket for that one process: WSADuplicateSocketW needs its id.
    WSAPROTOCOL_INFOW info{};
    if (::WSADuplicateSocketW(socket_of(listener), static_cast<DWORD>(pid), &info) != 0) {
        return {{}, WorkerFailure{"WSADuplicateSocketW", wsa_error(), 1}};
    }
    const nlohmann::json line{{"protocol_info", protocol_info_to_hex(info)}};
    return {line.dump(), std::nullopt};
}

}  // namespace netdiag::platform::accept::windows
