// The Windows shim's socket calls: the listener, one connection's answer, and the worker
// process's own pipes and duplicated listener.
#include <nlohmann/json.hpp>

#include "platform/windows/accept_windows_shim.hpp"

namespace netdiag::platform::accept::windows {
namespace {

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

SysError WindowsAcceptShim::invalid_argument() const {
    return describe_native_error(WSAEINVAL);
}

NativeSocket WindowsAcceptShim::open_listener(const std::string& address, std::uint16_t port,
                                              int backlog, ListenerUse,
                                              std::vector<WorkerFailure>& failures) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    if (::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) {
        failures.push_back({"parse address " + address, describe_native_error(WSAEINVAL), 1});
        return kNoSocket;
    }
    const SOCKET s = ::WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0,
                                  WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET) {
        failures.push_back({"WSASocketW", wsa_error(), 1});
        return kNoSocket;
    }
    // Another process must not take the port over while the workers use it.
    BOOL exclusive = TRUE;
    ::setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char*>(&exclusive),
                 sizeof exclusive);
    if (::bind(s, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
        failures.push_back({"bind " + address + ":" + std::to_string(port), wsa_error(), 1});
        ::closesocket(s);
        return kNoSocket;
    }
    // listen() before any worker sees the socket: AcceptEx on a socket that does not listen
    // yet fails with WSAEINVAL (10022).
    if (::listen(s, backlog) != 0) {
        failures.push_back({"listen", wsa_error(), 1});
        ::closesocket(s);
        return kNoSocket;
    }
    return static_cast<NativeSocket>(s);
}

std::uint16_t WindowsAcceptShim::local_port(NativeSocket listener) {
    sockaddr_in sa{};
    int length = sizeof sa;
    if (::getsockname(socket_of(listener), reinterpret_cast<sockaddr*>(&sa), &length) != 0) {
        return 0;
    }
    return ntohs(sa.sin_port);
}

void WindowsAcceptShim::close_socket(NativeSocket socket) {
    if (socket != kNoSocket) ::closesocket(socket_of(socket));
}

void WindowsAcceptShim::prepare_reply(NativeSocket connection, bool read_request) {
    // A socket accepted from a non-blocking listener is non-blocking too: answer in blocking
    // mode so a slow client does not cut the reply.
    u_long blocking = 0;
    ::ioctlsocket(socket_of(connection), FIONBIO, &blocking);
    if (!read_request) return;
    DWORD timeout_ms = 1000;
    ::setsockopt(socket_of(connection), SOL_SOCKET, SO_RCVTIMEO,
                 reinterpret_cast<const char*>(&timeout_ms), sizeof timeout_ms);
}

long WindowsAcceptShim::receive(NativeSocket connection, std::span<char> buffer) {
    return ::recv(socket_of(connection), buffer.data(), static_cast<int>(buffer.size()), 0);
}

long WindowsAcceptShim::send(NativeSocket connection, std::string_view bytes, SysError& error) {
    const int n = ::send(socket_of(connection), bytes.data(), static_cast<int>(bytes.size()), 0);
    if (n == SOCKET_ERROR) {
        error = wsa_error();
        return -1;
    }
    return n;
}

void WindowsAcceptShim::finish_reply(NativeSocket connection) {
    ::shutdown(socket_of(connection), SD_SEND);
    ::closesocket(socket_of(connection));
}

std::int64_t WindowsAcceptShim::current_pid() const {
    return static_cast<std::int64_t>(::GetCurrentProcessId());
}

void WindowsAcceptShim::write_output(std::string_view text) {
    DWORD written = 0;
    ::WriteFile(::GetStdHandle(STD_OUTPUT_HANDLE), text.data(), static_cast<DWORD>(text.size()),
                &written, nullptr);
}

NativeSocket WindowsAcceptShim::receive_listener(const WorkerArgs&, WorkerSink& sink) {
    std::string line;
    WSAPROTOCOL_INFOW protocol{};
    if (!read_first_line(::GetStdHandle(STD_INPUT_HANDLE), line)) {
        sink.failure("read the socket from the parent", win32_error(::GetLastError()));
        return kNoSocket;
    }
    const auto message = nlohmann::json::parse(line, nullptr, false);
    if (!message.is_object() || !message.contains("protocol_info") ||
        !protocol_info_from_hex(message.value("protocol_info", ""), protocol)) {
        sink.failure("parse the socket from the parent", describe_native_error(WSAEINVAL));
        return kNoSocket;
    }
    const SOCKET listener =
        ::WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &protocol, 0,
                     WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (listener == INVALID_SOCKET) {
        sink.failure("WSASocketW(FROM_PROTOCOL_INFO)", wsa_error());
        return kNoSocket;
    }
    return static_cast<NativeSocket>(listener);
}

}  // namespace netdiag::platform::accept::windows
