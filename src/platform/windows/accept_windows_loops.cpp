// The accept loops of a Windows worker: the proactor loop (its own I/O completion port and
// AcceptEx, as asyncio's ProactorEventLoop does) and the readiness loop (WSAPoll then accept,
// as select-based loops do). Each loop reports every failed call with its native code.
#include "platform/windows/accept_windows_internal.hpp"

#include <thread>

namespace netdiag::platform::accept::windows {
namespace {

SysError wsa_error() {
    return describe_native_error(WSAGetLastError());
}

// Space AcceptEx needs for the two addresses (each the address size plus 16).
constexpr DWORD address_space = sizeof(sockaddr_in6) + 16;

bool read_request_head(SOCKET s) {
    DWORD timeout_ms = 1000;
    ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<const char*>(&timeout_ms),
                 sizeof timeout_ms);
    std::string head;
    char buffer[2048];
    while (head.size() < 8192 && head.find("\r\n\r\n") == std::string::npos) {
        const int n = ::recv(s, buffer, sizeof buffer, 0);
        if (n <= 0) return false;
        head.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
}

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

void serve_connection(SOCKET s, unsigned worker_id, Reply reply, WorkerSink& sink) {
    sink.accepted.fetch_add(1);
    // A socket accepted from a non-blocking listener is non-blocking too: answer in blocking
    // mode so a slow client does not cut the reply.
    u_long blocking = 0;
    ::ioctlsocket(s, FIONBIO, &blocking);
    const std::string body = std::to_string(worker_id) + "\n";
    std::string text = body;
    if (reply == Reply::http) {
        if (!read_request_head(s)) {
            ::closesocket(s);
            return;
        }
        text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    }
    std::size_t sent = 0;
    while (sent < text.size()) {
        const int n = ::send(s, text.data() + sent, static_cast<int>(text.size() - sent), 0);
        if (n == SOCKET_ERROR) {
            sink.failure("send", wsa_error());
            break;
        }
        sent += static_cast<std::size_t>(n);
    }
    ::shutdown(s, SD_SEND);
    ::closesocket(s);
}

SOCKET open_listener(const std::string& address, std::uint16_t port, int backlog,
                     std::vector<WorkerFailure>& failures) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    if (::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) {
        failures.push_back({"parse address " + address, describe_native_error(WSAEINVAL), 1});
        return INVALID_SOCKET;
    }
    const SOCKET s = ::WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0,
                                  WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET) {
        failures.push_back({"WSASocketW", wsa_error(), 1});
        return s;
    }
    // Another process must not take the port over while the workers use it.
    BOOL exclusive = TRUE;
    ::setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char*>(&exclusive),
                 sizeof exclusive);
    if (::bind(s, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
        failures.push_back({"bind " + address + ":" + std::to_string(port), wsa_error(), 1});
        ::closesocket(s);
        return INVALID_SOCKET;
    }
    // listen() before any worker sees the socket: AcceptEx on a socket that does not listen
    // yet fails with WSAEINVAL (10022).
    if (::listen(s, backlog) != 0) {
        failures.push_back({"listen", wsa_error(), 1});
        ::closesocket(s);
        return INVALID_SOCKET;
    }
    return s;
}

std::uint16_t local_port(SOCKET s) {
    sockaddr_in sa{};
    int length = sizeof sa;
    if (::getsockname(s, reinterpret_cast<sockaddr*>(&sa), &length) != 0) return 0;
    return ntohs(sa.sin_port);
}

void run_iocp_loop(SOCKET listener, unsigned id, Reply reply, const std::atomic<bool>& stop,
                   WorkerSink& sink, const AssociationFailed& on_association_failure) {
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
        char addresses[2 * address_space];
        OVERLAPPED overlapped{};
        DWORD bytes = 0;
        if (!accept_ex(listener, s, addresses, 0, address_space, address_space, &bytes,
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
                serve_connection(s, id, reply, sink);
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

void run_poll_loop(SOCKET listener, unsigned id, Reply reply, const std::atomic<bool>& stop,
                   WorkerSink& sink) {
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
            serve_connection(s, id, reply, sink);
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
