// The Windows shim of the shared-accept core (src/platform/windows only): processes started
// with CreateProcessW and given the listener with WSADuplicateSocketW (as WSAPROTOCOL_INFOW hex
// on their stdin), Winsock sockets, and the loops (IOCP + AcceptEx, WSAPoll).
#pragma once

#include "platform/windows/win_internal.hpp"

#include <mswsock.h>

#include <atomic>
#include <functional>
#include <string>

#include "platform/portable/accept_shim.hpp"

namespace netdiag::platform::accept::windows {

class WindowsAcceptShim final : public AcceptShim {
public:
    std::string_view os_name() const override { return "Windows"; }
    std::vector<PatternInfo> patterns() const override { return accept::patterns(); }
    SysError invalid_argument() const override;
    std::string_view kill_verb() const override { return "terminated"; }

    std::filesystem::path default_worker_executable() const override { return self_executable(); }
    // The socket is not inherited: hand_over duplicates it once the process id is known.
    SpawnResult spawn_worker(const std::filesystem::path& executable,
                             const std::vector<std::string>& args, NativeSocket shared) override;
    SocketHandOver hand_over(NativeSocket listener, std::int64_t pid) override;

    // Overlapped, so AcceptEx can use it; never inherited. Windows has no SO_REUSEPORT (no
    // pattern asks for one): SO_EXCLUSIVEADDRUSE keeps the port ours.
    NativeSocket open_listener(const std::string& address, std::uint16_t port, int backlog,
                               ListenerUse use, std::vector<WorkerFailure>& failures) override;
    std::uint16_t local_port(NativeSocket listener) override;
    void close_socket(NativeSocket socket) override;

    std::unique_ptr<StopSignal> make_stop_signal() override {
        return std::make_unique<StopSignal>();
    }
    void run_thread_worker(const ThreadWorker& worker) override;

    // A socket accepted from a non-blocking listener is non-blocking too: it is switched back
    // to blocking, so a slow client does not cut the reply.
    void prepare_reply(NativeSocket connection, bool read_request) override;
    long receive(NativeSocket connection, std::span<char> buffer) override;
    // One send() call: Winsock has no EINTR to retry and no SIGPIPE to avoid.
    long send(NativeSocket connection, std::string_view bytes, SysError& error) override;
    void finish_reply(NativeSocket connection) override;

    void prepare_worker_process() override {}
    std::int64_t current_pid() const override;
    void write_output(std::string_view text) override;
    // The first line of stdin: the duplicated socket's WSAPROTOCOL_INFOW, opened with
    // WSASocketW(FROM_PROTOCOL_INFO).
    NativeSocket receive_listener(const WorkerArgs& args, WorkerSink& sink) override;
    // Ends the process itself (std::_Exit) under its two watch threads.
    int run_process_loop(const PatternInfo& pattern, NativeSocket listener, const WorkerArgs& args,
                         Clock::time_point end, PipeSink& sink) override;
};

inline SOCKET socket_of(NativeSocket socket) {
    return static_cast<SOCKET>(socket);
}

// What the IOCP loop does when associating the listener with its completion port fails.
using AssociationFailed = std::function<void()>;

// The proactor way (asyncio's ProactorEventLoop): associate the listener with this worker's
// own completion port, post AcceptEx, wait for its completion. Returns when `stop` is set or
// a failure ends the loop. `on_association_failure` runs after the failure was reported.
void run_iocp_loop(AcceptShim& shim, SOCKET listener, unsigned id, Reply reply,
                   const std::atomic<bool>& stop, WorkerSink& sink,
                   const AssociationFailed& on_association_failure);
// The readiness way (select-based loops): WSAPoll the listener, then accept.
void run_poll_loop(AcceptShim& shim, SOCKET listener, unsigned id, Reply reply,
                   const std::atomic<bool>& stop, WorkerSink& sink);

// WSAPROTOCOL_INFOW as hex text and back, for the line the parent writes to a worker's stdin.
std::string protocol_info_to_hex(const WSAPROTOCOL_INFOW& info);
bool protocol_info_from_hex(const std::string& hex, WSAPROTOCOL_INFOW& info);

SysError win32_error(unsigned long code);

// The last Winsock error of this thread.
inline SysError wsa_error() {
    return describe_native_error(WSAGetLastError());
}

}  // namespace netdiag::platform::accept::windows
