// The accept loops of a Windows worker: the proactor loop (its own I/O completion port and
// AcceptEx, as asyncio's ProactorEventLoop does) and the readiness loop (WSAPoll then accept,
// as select-based loops do). Each loop reports every failed call with its native code.
#include "platform/windows/accept_windows_shim.hpp"

#include <thread>

namespace netdiag::platform::accept::windows {
namespace {

// Space AcceptEx needs for the two addresses (each the address size plus 16).
constexpr DWORD kAddressSpace = sizeof(sockaddr_in6) + 16;

LPFN_ACCEPTEX load_accept_ex(SOCKET listener, WorkerSink& sink) {
    GUID guid = WSAID_ACCEPTEX;
    LPFN_ACCEPTEX function = nullptr;
    DWORD bytes = 0;
    if (::WSAIoctl(listener, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof guid, &function,
                   sizeof function, &bytes, nullptr, nullptr) != 0) {
        sink.failure("WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, AcceptEx)", wsa_error());
        return nullptr;
    }
    return function;
}

}  // namespace

SysError win32_error(unsigned long code) {
    return describe_native_error(static_cast<int>(code));
}

void run_iocp_loop(AcceptShim& shim, SOCKET listener, unsigned id, Reply reply,
                   const std::atomic<bool>& stop, WorkerSink& sink,
                   const AssociationFailed& on_association_failure) {
    HANDLE port = ::CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
    if (port == nullptr) {
        sink.failure("CreateIoCompletionPort (new port)", win32_error(::GetLastError()));
        return;
    }
    // The call that fails in the case: a socket belongs to one completion port only.
    if (::CreateIoCompletionPort(reinterpret_cast<HANDLE>(listener), port, 1, 0) == nullptr) {
        sink.failure("CreateIoCompletionPort (associate the listening socket)",
                     win32_error(::GetLastError()));
        ::CloseHandle(port);
        if (on_association_failure) on_association_failure();
        return;
    }
    const auto accept_ex = load_accept_ex(listener, sink);
    bool announced = false;
    while (accept_ex != nullptr && !stop) {
        const SOCKET s = ::WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0,
                                      WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
        if (s == INVALID_SOCKET) {
            sink.failure("WSASocketW (accept socket)", wsa_error());
            break;
        }
        char addresses[2 * kAddressSpace];
        OVERLAPPED overlapped{};
        DWORD bytes = 0;
        if (!accept_ex(listener, s, addresses, 0, kAddressSpace, kAddressSpace, &bytes,
                       &overlapped)) {
            const int code = WSAGetLastError();
            if (code != ERROR_IO_PENDING) {
                sink.failure("AcceptEx", describe_native_error(code));
                ::closesocket(s);
                break;
            }
        }
        if (!announced) {
            sink.ready();  // an accept is posted: connections can be taken from now on
            announced = true;
        }
        // Wait for the completion, looking at the stop flag between waits.
        bool completed = false;
        bool cancelled = false;
        while (!completed) {
            DWORD transferred = 0;
            ULONG_PTR key = 0;
            OVERLAPPED* done = nullptr;
            const BOOL ok = ::GetQueuedCompletionStatus(port, &transferred, &key, &done, 100);
            const DWORD code = ok ? 0 : ::GetLastError();
            if (done == nullptr && code != WAIT_TIMEOUT) {  // the port itself failed
                sink.failure("GetQueuedCompletionStatus", win32_error(code));
                ::closesocket(s);
                ::CloseHandle(port);
                return;
            }
            if (done == nullptr) {  // nothing completed within the wait
                if (stop && !cancelled) {
                    ::CancelIoEx(reinterpret_cast<HANDLE>(listener), &overlapped);
                    cancelled = true;
                }
                continue;
            }
            completed = true;
            if (ok) {
                ::setsockopt(s, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
                             reinterpret_cast<const char*>(&listener), sizeof listener);
                serve_connection(shim, static_cast<NativeSocket>(s), id, reply, sink);
            } else {
                // ERROR_OPERATION_ABORTED (995) when the listener was closed under the pending
                // accept (the case), or when we cancelled it to stop (not a failure).
                if (!cancelled) sink.failure("AcceptEx completion", win32_error(code));
                ::closesocket(s);
                if (!cancelled) {
                    ::CloseHandle(port);
                    return;
                }
            }
        }
    }
    ::CloseHandle(port);
}

void run_poll_loop(AcceptShim& shim, SOCKET listener, unsigned id, Reply reply,
                   const std::atomic<bool>& stop, WorkerSink& sink) {
    // Shared listener: a worker woken for a connection another took must not block in accept.
    u_long non_blocking = 1;
    if (::ioctlsocket(listener, FIONBIO, &non_blocking) != 0) {
        sink.failure("ioctlsocket(FIONBIO)", wsa_error());
        return;
    }
    sink.ready();
    while (!stop) {
        WSAPOLLFD p{};
        p.fd = listener;
        p.events = POLLRDNORM;
        const int n = ::WSAPoll(&p, 1, 100);
        if (n == SOCKET_ERROR) {
            sink.failure("WSAPoll", wsa_error());
            return;
        }
        if (n == 0) continue;
        if (p.revents & (POLLERR | POLLNVAL)) {
            sink.failure("WSAPoll (listener error)", describe_native_error(WSAENOTSOCK));
            return;
        }
        const SOCKET s = ::accept(listener, nullptr, nullptr);
        if (s != INVALID_SOCKET) {
            serve_connection(shim, static_cast<NativeSocket>(s), id, reply, sink);
            continue;
        }
        const int code = WSAGetLastError();
        if (code == WSAEWOULDBLOCK) {
            sink.spurious_wakeups.fetch_add(1);  // another worker took it
        } else if (code == WSAECONNRESET) {
            sink.failure("accept", describe_native_error(code));
        } else {
            sink.failure("accept", describe_native_error(code));
            if (code == WSAEMFILE || code == WSAENOBUFS) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            } else {
                return;
            }
        }
    }
}

std::string protocol_info_to_hex(const WSAPROTOCOL_INFOW& info) {
    static const char digits[] = "0123456789abcdef";
    const auto* bytes = reinterpret_cast<const unsigned char*>(&info);
    std::string hex;
    hex.reserve(sizeof info * 2);
    for (std::size_t i = 0; i < sizeof info; ++i) {
        hex += digits[bytes[i] >> 4];
        hex += digits[bytes[i] & 15];
    }
    return hex;
}

bool protocol_info_from_hex(const std::string& hex, WSAPROTOCOL_INFOW& info) {
    if (hex.size() != sizeof info * 2) return false;
    auto value = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    auto* bytes = reinterpret_cast<unsigned char*>(&info);
    for (std::size_t i = 0; i < sizeof info; ++i) {
        const int hi = value(hex[2 * i]);
        const int lo = value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        bytes[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    return true;
}

}  // namespace netdiag::platform::accept::windows
