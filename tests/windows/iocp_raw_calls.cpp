// The shared-accept case done by hand with raw Winsock calls, no netdiag code: two event loops
// (threads) each associate the same listening socket with their own I/O completion port and
// post AcceptEx. Prints what each call returned as one JSON line, so a test can check that
// `netdiag probe shared-accept` reports exactly what the platform does (under Wine or Windows).
//
// Sequence (as asyncio's ProactorEventLoop does it in each worker):
//   loop A: CreateIoCompletionPort(listener, portA) -> AcceptEx (pending)
//   loop B: CreateIoCompletionPort(listener, portB) -> fails (a socket has one port)
//   loop B: closesocket(listener)                   -> A's pending AcceptEx completes with an error
#include <mswsock.h>
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include <cstdio>

namespace {

DWORD associate(SOCKET s, HANDLE& port) {
    port = ::CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
    if (port == nullptr) return ::GetLastError();
    const HANDLE associated =
        ::CreateIoCompletionPort(reinterpret_cast<HANDLE>(s), port, 1, 0);  // NOLINT
    return associated == nullptr ? ::GetLastError() : 0;
}

}  // namespace

int main() {
    WSADATA data;
    if (::WSAStartup(MAKEWORD(2, 2), &data) != 0) return 3;
    const SOCKET listener =
        ::WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, WSA_FLAG_OVERLAPPED);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listener == INVALID_SOCKET ||
        ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener, 16) != 0) {
        std::printf("{\"setup_error\": %d}\n", ::WSAGetLastError());
        return 3;
    }

    HANDLE port_a = nullptr;
    const DWORD first = associate(listener, port_a);

    const SOCKET accepted =
        ::WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, WSA_FLAG_OVERLAPPED);
    char buffer[2 * (sizeof(sockaddr_in6) + 16)];
    DWORD received = 0;
    OVERLAPPED overlapped{};
    const BOOL started = ::AcceptEx(listener, accepted, buffer, 0, sizeof(sockaddr_in6) + 16,
                                    sizeof(sockaddr_in6) + 16, &received, &overlapped);
    const int accept_posted = started ? 0 : ::WSAGetLastError();  // 997: pending, as expected

    HANDLE port_b = nullptr;
    const DWORD second = associate(listener, port_b);
    ::closesocket(listener);  // what the failing loop does next

    DWORD bytes = 0;
    ULONG_PTR key = 0;
    OVERLAPPED* done = nullptr;
    const BOOL ok = ::GetQueuedCompletionStatus(port_a, &bytes, &key, &done, 3000);
    const DWORD completion = ok ? 0 : ::GetLastError();
    std::printf(
        "{\"first_association\": %lu, \"accept_posted\": %d, \"second_association\": %lu, "
        "\"completion_after_close\": %lu, \"completion_dequeued\": %s}\n",
        first, accept_posted, second, completion, done != nullptr ? "true" : "false");
    ::closesocket(accepted);
    ::WSACleanup();
    return 0;
}
