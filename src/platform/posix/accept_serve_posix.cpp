// Listening sockets and the one-line answer every accept worker gives on POSIX systems.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "netdiag/platform.hpp"
#include "platform/posix/accept_posix.hpp"

namespace netdiag::platform::accept::posix {
namespace {

WorkerFailure failed(std::string step) {
    return {std::move(step), last_socket_error(), 1};
}

// Reads the request head (up to the blank line, 8 KiB or 1 s of silence): enough for a load
// generator's GET. Returns false when the peer went away first.
bool read_request_head(int fd) {
    timeval timeout{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string head;
    char buffer[2048];
    while (head.size() < 8192 && head.find("\r\n\r\n") == std::string::npos) {
        const auto n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) return false;
        head.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

void serve_connection(int fd, unsigned worker_id, Reply reply, WorkerSink& sink) {
    sink.accepted.fetch_add(1);
    const std::string body = std::to_string(worker_id) + "\n";
    std::string text = body;
    if (reply == Reply::http) {
        if (!read_request_head(fd)) {
            ::close(fd);
            return;
        }
        text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    }
    std::size_t sent = 0;
    while (sent < text.size()) {
        const auto n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            sink.failure("send", last_socket_error());
            break;
        }
        sent += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
}

int open_listener(const std::string& address, std::uint16_t port, int backlog, bool reuse_port,
                  bool listen_now, std::vector<WorkerFailure>& failures) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    if (::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) {
        failures.push_back({"parse address " + address, describe_native_error(EINVAL), 1});
        return -1;
    }
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        failures.push_back(failed("socket"));
        return -1;
    }
    const int on = 1;
    if (reuse_port && ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) {
        failures.push_back(failed("setsockopt(SO_REUSEPORT)"));
        ::close(fd);
        return -1;
    }
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
        failures.push_back(failed("bind " + address + ":" + std::to_string(port)));
        ::close(fd);
        return -1;
    }
    if (listen_now && ::listen(fd, backlog) != 0) {
        failures.push_back(failed("listen"));
        ::close(fd);
        return -1;
    }
    return fd;
}

std::uint16_t local_port(int fd) {
    sockaddr_in sa{};
    socklen_t length = sizeof sa;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &length) != 0) return 0;
    return ntohs(sa.sin_port);
}

}  // namespace netdiag::platform::accept::posix
