// Internals of the Windows accept workers and their groups (src/platform/windows only).
#pragma once

#include "platform/windows/win_internal.hpp"

#include <mswsock.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "netdiag/shared_accept.hpp"

namespace netdiag::platform::accept::windows {

// Where a worker's events go: the pipe to the parent or the group's own table. Thread-safe.
class WorkerSink {
public:
    virtual ~WorkerSink() = default;
    virtual void ready() = 0;
    virtual void failure(const std::string& step, const SysError& error) = 0;

    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> spurious_wakeups{0};
};

// Answers one accepted connection (worker id or minimal HTTP) and closes it.
void serve_connection(SOCKET s, unsigned worker_id, Reply reply, WorkerSink& sink);

// A listening IPv4 socket (overlapped, so AcceptEx can use it); INVALID_SOCKET and a failure
// appended when a call fails.
SOCKET open_listener(const std::string& address, std::uint16_t port, int backlog,
                     std::vector<WorkerFailure>& failures);
std::uint16_t local_port(SOCKET s);

// What the IOCP loop does when associating the listener with its completion port fails.
// Returns true when the listener was closed (asyncio's proactor closes the socket).
using AssociationFailed = std::function<void()>;

// The proactor way (asyncio's ProactorEventLoop): associate the listener with this worker's
// own completion port, post AcceptEx, wait for its completion. Returns when `stop` is set or
// a failure ends the loop. `on_association_failure` runs after the failure was reported.
void run_iocp_loop(SOCKET listener, unsigned id, Reply reply, const std::atomic<bool>& stop,
                   WorkerSink& sink, const AssociationFailed& on_association_failure);
// The readiness way (select-based loops): WSAPoll the listener, then accept.
void run_poll_loop(SOCKET listener, unsigned id, Reply reply, const std::atomic<bool>& stop,
                   WorkerSink& sink);

// WSAPROTOCOL_INFOW as hex text and back, for the line the parent writes to a worker's stdin.
std::string protocol_info_to_hex(const WSAPROTOCOL_INFOW& info);
bool protocol_info_from_hex(const std::string& hex, WSAPROTOCOL_INFOW& info);

SysError win32_error(unsigned long code);

}  // namespace netdiag::platform::accept::windows
