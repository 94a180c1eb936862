// The shared-listener patterns Windows offers, and the process facts the accept probe needs.
#include "platform/windows/accept_windows_shim.hpp"

namespace netdiag::platform::accept {

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
