// The POSIX half of the shared-accept shim (src/platform/posix and src/platform/linux only):
// processes started with posix_spawn and reaped with waitpid, pipes, and BSD sockets. The Linux
// half adds the loops (epoll, a thread blocked in accept) and completes the shim.
#pragma once

#include <atomic>

#include "platform/portable/accept_shim.hpp"

namespace netdiag::platform::accept::posix {

class PosixAcceptShim : public AcceptShim {
public:
    SysError invalid_argument() const override;
    std::string_view kill_verb() const override { return "killed"; }

    // Close-on-exec: only the workers given it as descriptor 3 hold it.
    NativeSocket open_listener(const std::string& address, std::uint16_t port, int backlog,
                               ListenerUse use, std::vector<WorkerFailure>& failures) override;
    std::uint16_t local_port(NativeSocket listener) override;
    void close_socket(NativeSocket socket) override;
    // A descriptor from accept4() blocks already; only the request read needs SO_RCVTIMEO.
    void prepare_reply(NativeSocket connection, bool read_request) override;
    long receive(NativeSocket connection, std::span<char> buffer) override;
    // MSG_NOSIGNAL: a client gone early costs EPIPE, not SIGPIPE; EINTR is retried.
    long send(NativeSocket connection, std::string_view bytes, SysError& error) override;
    void finish_reply(NativeSocket connection) override;

    // stdin and stdout are pipes to us, stderr /dev/null, `shared` becomes descriptor 3; every
    // descriptor of ours is close-on-exec, so a worker started concurrently never inherits
    // another worker's pipe (it would then never see end of file on its stdin).
    SpawnResult spawn_worker(const std::filesystem::path& executable,
                             const std::vector<std::string>& args, NativeSocket shared) override;
    // The listener was inherited at spawn: nothing more to send.
    SocketHandOver hand_over(NativeSocket, std::int64_t) override { return {}; }

    void prepare_worker_process() override;
    std::int64_t current_pid() const override;
    void write_output(std::string_view text) override;
    // The inherited descriptor, once it is seen to be a listening socket.
    NativeSocket receive_listener(const WorkerArgs& args, WorkerSink& sink) override;
};

// The worker loops (Linux). Each returns when the sink's worker is done: stop_fd readable (or at
// end of file), the lifetime over, or a fatal failure. The blocking loop also returns when
// `stop` is set and a signal interrupts its accept().
void run_blocking_accept_loop(AcceptShim& shim, int listen_fd, unsigned id, Reply reply,
                              WorkerSink& sink, const std::atomic<bool>& stop);
void run_epoll_loop(AcceptShim& shim, int listen_fd, int stop_fd, unsigned id, Reply reply,
                    Clock::time_point end, WorkerSink& sink);
// A worker process blocked in accept() on a thread while this one waits for the parent.
int run_blocking_worker_process(AcceptShim& shim, int listen_fd, unsigned id, Reply reply,
                                Clock::time_point end, PipeSink& sink);

}  // namespace netdiag::platform::accept::posix
