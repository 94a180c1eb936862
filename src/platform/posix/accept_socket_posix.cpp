// The POSIX shim's socket calls: the listener, one connection's answer, and the worker
// process's own pipes and inherited descriptor.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "netdiag/platform.hpp"
#include "platform/posix/accept_posix.hpp"

namespace netdiag::platform::accept::posix {
namespace {

WorkerFailure failed_call(std::string step) {
    return {std::move(step), last_socket_error(), 1};
}

int fd_of(NativeSocket socket) {
    return static_cast<int>(socket);
}

}  // namespace

SysError PosixAcceptShim::invalid_argument() const {
    return describe_native_error(EINVAL);
}

NativeSocket PosixAcceptShim::open_listener(const std::string& address, std::uint16_t port,
                                            int backlog, ListenerUse use,
                                            std::vector<WorkerFailure>& failures) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    if (::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) {
        failures.push_back({"parse address " + address, describe_native_error(EINVAL), 1});
        return kNoSocket;
    }
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        failures.push_back(failed_call("socket"));
        return kNoSocket;
    }
    const int on = 1;
    if (use != ListenerUse::shared &&
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) {
        failures.push_back(failed_call("setsockopt(SO_REUSEPORT)"));
        ::close(fd);
        return kNoSocket;
    }
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
        failures.push_back(failed_call("bind " + address + ":" + std::to_string(port)));
        ::close(fd);
        return kNoSocket;
    }
    if (use != ListenerUse::port_reservation && ::listen(fd, backlog) != 0) {
        failures.push_back(failed_call("listen"));
        ::close(fd);
        return kNoSocket;
    }
    return fd;
}

std::uint16_t PosixAcceptShim::local_port(NativeSocket listener) {
    sockaddr_in sa{};
    socklen_t length = sizeof sa;
    if (::getsockname(fd_of(listener), reinterpret_cast<sockaddr*>(&sa), &length) != 0) return 0;
    return ntohs(sa.sin_port);
}

void PosixAcceptShim::close_socket(NativeSocket socket) {
    if (socket != kNoSocket) ::close(fd_of(socket));
}

void PosixAcceptShim::prepare_reply(NativeSocket connection, bool read_request) {
    if (!read_request) return;
    timeval timeout{1, 0};
    ::setsockopt(fd_of(connection), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
}

long PosixAcceptShim::receive(NativeSocket connection, std::span<char> buffer) {
    return static_cast<long>(::recv(fd_of(connection), buffer.data(), buffer.size(), 0));
}

long PosixAcceptShim::send(NativeSocket connection, std::string_view bytes, SysError& error) {
    while (true) {
        const auto n = ::send(fd_of(connection), bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) error = last_socket_error();
        return static_cast<long>(n);
    }
}

void PosixAcceptShim::finish_reply(NativeSocket connection) {
    ::shutdown(fd_of(connection), SHUT_WR);
    ::close(fd_of(connection));
}

void PosixAcceptShim::prepare_worker_process() {
    // A client gone before its answer must cost a failed send, not the worker.
    ::signal(SIGPIPE, SIG_IGN);
}

std::int64_t PosixAcceptShim::current_pid() const {
    return ::getpid();
}

void PosixAcceptShim::write_output(std::string_view text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = ::write(1, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the parent is gone; nothing to tell
        done += static_cast<std::size_t>(n);
    }
}

NativeSocket PosixAcceptShim::receive_listener(const WorkerArgs& args, WorkerSink& sink) {
    int listening = 0;
    socklen_t length = sizeof listening;
    if (::getsockopt(args.listen_fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0 ||
        listening == 0) {
        sink.failure(
            "getsockopt(SO_ACCEPTCONN) on inherited descriptor " + std::to_string(args.listen_fd),
            listening == 0 && errno == 0 ? describe_native_error(EINVAL) : last_socket_error());
        return kNoSocket;
    }
    return args.listen_fd;
}

}  // namespace netdiag::platform::accept::posix
