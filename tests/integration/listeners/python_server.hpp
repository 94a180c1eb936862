// Starts tests/integration/listeners/listen_server.py (Debian's python3) as a real server with
// a chosen socket layout, reads its "READY PORT PID..." line with a deadline, and ends it and
// its workers with one signal to its process group when the test ends (PR_SET_PDEATHSIG if the
// test itself dies). Also: client connections and waits on /proc facts the probe reads.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace netdiag::testing {

inline std::string debian_python3() {
    return ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "";
}

class PythonServer {
public:
    PythonServer(const std::string& mode, int count) {
        const auto python = debian_python3();
        if (python.empty()) {
            skip_reason_ = "python3 is not installed (apt-get install python3)";
            return;
        }
        const std::string script =
            NETDIAG_SOURCE_DIR "/tests/integration/listeners/listen_server.py";
        const auto count_text = std::to_string(count);
        int out[2];
        if (::pipe2(out, O_CLOEXEC) != 0) return;
        const pid_t parent = ::getpid();
        pid_ = ::fork();
        if (pid_ == 0) {
            ::setpgid(0, 0);
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);
            ::dup2(out[1], 1);
            ::execl(python.c_str(), python.c_str(), script.c_str(), mode.c_str(),
                    count_text.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(out[1]);
        if (pid_ > 0) ::setpgid(pid_, pid_);  // also here: no race with the child's own call
        read_ready(out[0], std::chrono::seconds(10));
        ::close(out[0]);
    }
    ~PythonServer() {
        if (pid_ <= 0) return;
        ::kill(-pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        // Workers are reaped by init, or by this process when a test made it a subreaper.
        for (const int w : pids_) {
            if (w == pid_) continue;
            const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
            while (::waitpid(w, nullptr, WNOHANG) == 0 && std::chrono::steady_clock::now() < end) {
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        }
    }
    PythonServer(const PythonServer&) = delete;
    PythonServer& operator=(const PythonServer&) = delete;

    const std::string& skip_reason() const { return skip_reason_; }
    bool ready() const { return port_ != 0; }
    std::uint16_t port() const { return port_; }
    int master() const { return pid_; }
    // The workers (or the server itself when it has none), as it printed them.
    const std::vector<int>& pids() const { return pids_; }

private:
    void read_ready(int fd, std::chrono::milliseconds limit) {
        const auto end = std::chrono::steady_clock::now() + limit;
        std::string text;
        while (text.find('\n') == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            if (left.count() <= 0) return;
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return;
            char buffer[256];
            const auto got = ::read(fd, buffer, sizeof buffer);
            if (got <= 0) return;
            text.append(buffer, static_cast<std::size_t>(got));
        }
        std::istringstream line(text);
        std::string word;
        int port = 0;
        if (!(line >> word >> port) || word != "READY") return;
        for (int pid = 0; line >> pid;) pids_.push_back(pid);
        port_ = static_cast<std::uint16_t>(port);
    }

    std::string skip_reason_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    std::vector<int> pids_;
};

// Client connections to 127.0.0.1:port, held open until destroyed. Non-blocking connects, so
// a listener that drops SYNs does not block the test; wait_connected() waits for the
// handshakes the kernel completes.
class Clients {
public:
    Clients(std::uint16_t port, int count) {
        for (int i = 0; i < count; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(port);
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
            fds_.push_back(fd);
        }
    }
    ~Clients() {
        for (const int fd : fds_) ::close(fd);
    }
    Clients(const Clients&) = delete;
    Clients& operator=(const Clients&) = delete;

    // How many connections completed within `limit`.
    int wait_connected(std::chrono::milliseconds limit) {
        int done = 0;
        const auto end = std::chrono::steady_clock::now() + limit;
        for (const int fd : fds_) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            pollfd p{fd, POLLOUT, 0};
            if (::poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 0))) == 1) {
                int error = 0;
                socklen_t len = sizeof error;
                ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
                done += error == 0;
            }
        }
        return done;
    }

private:
    std::vector<int> fds_;
};

// /proc/PID/stat's state letter and /proc/PID/wchan, as the probe reads them.
inline char process_state(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(in, line);
    const auto close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() ? line[close + 2] : '?';
}

inline std::string wait_channel(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/wchan");
    std::string text;
    std::getline(in, text);
    return text;
}

// Waits until every pid sleeps in a wait channel containing `word` (or is in state `state`),
// or `limit` passes; true when all got there.
inline bool wait_until_all(const std::vector<int>& pids, const std::string& word, char state,
                           std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    for (;;) {
        bool all = true;
        for (const int pid : pids) {
            const bool there = state != 0 ? process_state(pid) == state
                                          : wait_channel(pid).find(word) != std::string::npos;
            all = all && there;
        }
        if (all) return true;
        if (std::chrono::steady_clock::now() >= end) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

}  // namespace netdiag::testing
