#!/usr/bin/env python3
"""Small servers with the socket layouts the listeners probe must tell apart.

Usage: listen_server.py MODE [WORKERS]
  shared N     one listening socket, N forked workers waiting on it in epoll (as asyncio does)
  reuseport N  N workers, each with its own SO_REUSEPORT socket on the same port, in accept()
  backlog1     one listener with backlog 1 that never accepts
  backlog N    one listener asking listen() for a backlog of N, blocking in accept()

Prints "READY PORT PID..." (the worker pids, or the server's own) once every socket listens,
then serves until killed. Loopback only. Every process runs in the caller's process group so
the test ends them all with one signal.
"""
import os
import select
import socket
import sys


def serve_accept(sock):
    while True:
        conn, _ = sock.accept()
        conn.close()


def serve_epoll(sock):
    sock.setblocking(False)
    poller = select.epoll()
    poller.register(sock.fileno(), select.EPOLLIN)
    while True:
        poller.poll()
        try:
            conn, _ = sock.accept()
            conn.close()
        except BlockingIOError:
            pass  # another worker took it: the thundering herd


def fork_worker(body, ready_fd):
    pid = os.fork()
    if pid == 0:
        try:
            body(ready_fd)
        finally:
            os._exit(0)
    return pid


def shared(workers):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    pids = [fork_worker(lambda _fd: serve_epoll(sock), None) for _ in range(workers)]
    shared.keep = sock  # the master keeps its copy open, as gunicorn's arbiter does
    return sock.getsockname()[1], pids


def reuseport(workers):
    # A placeholder in the group picks the port; it never listens, so it gets no connections,
    # and it is closed once every worker's socket listens.
    placeholder = socket.socket()
    placeholder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    placeholder.bind(("127.0.0.1", 0))
    port = placeholder.getsockname()[1]
    read_end, write_end = os.pipe()

    def worker(_fd):
        os.close(read_end)
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(128)
        os.write(write_end, b"r")
        serve_accept(sock)

    pids = [fork_worker(worker, None) for _ in range(workers)]
    os.close(write_end)
    got = b""
    while len(got) < workers:
        chunk = os.read(read_end, workers)
        if not chunk:
            sys.exit("a reuseport worker died before listening")
        got += chunk
    placeholder.close()
    return port, pids


def never_accepting(backlog):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(backlog)
    never_accepting.keep = sock  # held open, never accepted on, until the process is killed
    return sock.getsockname()[1], [os.getpid()]


def one_worker(backlog):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(backlog)
    pid = fork_worker(lambda _fd: serve_accept(sock), None)
    port = sock.getsockname()[1]
    sock.close()
    return port, [pid]


def main():
    mode = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    if mode == "shared":
        port, pids = shared(count)
    elif mode == "reuseport":
        port, pids = reuseport(count)
    elif mode == "backlog1":
        port, pids = never_accepting(1)
    elif mode == "backlog":
        port, pids = one_worker(count)
    else:
        sys.exit("unknown mode " + mode)
    print("READY", port, *pids, flush=True)
    # Serve until killed; the workers are children of this process.
    while True:
        select.select([], [], [])


if __name__ == "__main__":
    main()
