// The answer every accept worker gives to one connection, on every OS: its id, or a minimal
// HTTP response with the id as the body, then the connection is closed.
#include <string>

#include "platform/portable/accept_shim.hpp"

namespace netdiag::platform::accept {
namespace {

// Reads the request head (up to the blank line, 8 KiB or a second of silence): enough for a
// load generator's GET. Returns false when the peer went away first.
bool read_request_head(AcceptShim& shim, NativeSocket connection) {
    std::string head;
    char buffer[2048];
    while (head.size() < 8192 && head.find("\r\n\r\n") == std::string::npos) {
        const long n = shim.receive(connection, buffer);
        if (n <= 0) return false;
        head.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

void serve_connection(AcceptShim& shim, NativeSocket connection, unsigned worker_id, Reply reply,
                      WorkerSink& sink) {
    sink.accepted.fetch_add(1);
    shim.prepare_reply(connection, reply == Reply::http);
    const std::string body = std::to_string(worker_id) + "\n";
    std::string text = body;
    if (reply == Reply::http) {
        if (!read_request_head(shim, connection)) {
            shim.close_socket(connection);
            return;
        }
        text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    }
    std::size_t sent = 0;
    while (sent < text.size()) {
        SysError error;
        const long n = shim.send(connection, std::string_view(text).substr(sent), error);
        if (n < 0) {
            sink.failure("send", error);
            break;
        }
        sent += static_cast<std::size_t>(n);
    }
    shim.finish_reply(connection);
}

}  // namespace netdiag::platform::accept
