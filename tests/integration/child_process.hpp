// A child process the test waits on by events, never by sleeping: its output arrives through a
// pipe (poll), its end through a pidfd (poll, then waitpid). Every wait has a deadline; a child
// still running when the object goes is killed and reaped.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netdiag::testing {

// A descriptor that becomes readable when process `pid` ends (any process, not only a child);
// -1 where the kernel has no pidfd_open (before 5.3).
inline int open_pidfd(pid_t pid) {
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

// Waits until process `pid` has ended (a zombie counts as ended) or `limit` passes; true when it
// ended. For processes that are not this one's children, which waitpid cannot wait for.
inline bool wait_for_process_end(pid_t pid, std::chrono::milliseconds limit) {
    const int fd = open_pidfd(pid);
    if (fd < 0) return errno == ESRCH;  // already gone
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(limit.count()));
    ::close(fd);
    return ready == 1;
}

class ChildProcess {
public:
    // Runs argv[0] with argv (PATH searched); stdout and stderr both go to one pipe.
    explicit ChildProcess(const std::vector<std::string>& argv) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) return;
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(fds[1], 1);
            ::dup2(fds[1], 2);
            std::vector<char*> raw;
            for (const auto& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
            raw.push_back(nullptr);
            ::execvp(raw[0], raw.data());
            _exit(127);
        }
        ::close(fds[1]);
        out_fd_ = fds[0];
        if (pid_ > 0) pidfd_ = open_pidfd(pid_);
    }
    // The same through /bin/sh -c.
    static std::vector<std::string> shell(const std::string& command) {
        return {"/bin/sh", "-c", command};
    }
    ~ChildProcess() {
        if (running()) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (out_fd_ >= 0) ::close(out_fd_);
        if (pidfd_ >= 0) ::close(pidfd_);
    }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    bool started() const { return pid_ > 0 && pidfd_ >= 0; }
    pid_t pid() const { return pid_; }
    bool running() const { return pid_ > 0 && !status_; }
    void signal(int sig) const {
        if (running()) ::kill(pid_, sig);
    }

    // Everything the child has written so far (what is in the pipe now included).
    const std::string& output() {
        while (drain(std::chrono::milliseconds(0))) {
        }
        return output_;
    }

    // True once the output holds `text`; false when `limit` passes or the child ends first.
    bool wait_for_output(std::string_view text, std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (output_.find(text) == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 || out_fd_ < 0) return false;
            if (!drain(left) && output_.find(text) == std::string::npos) return false;
        }
        return true;
    }

    // The exit code (128 + signal for a signalled child), or nothing when `limit` passed.
    std::optional<int> wait_exit(std::chrono::milliseconds limit) {
        if (status_) return status_;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd p[2] = {{pidfd_, POLLIN, 0}, {out_fd_, POLLIN, 0}};
            const int n =
                ::poll(p, out_fd_ >= 0 ? 2 : 1, static_cast<int>(std::max<long>(0, left.count())));
            if (n > 0 && (p[1].revents & (POLLIN | POLLHUP))) read_some();
            if (n > 0 && (p[0].revents & POLLIN)) break;
            if (n == 0 || left.count() <= 0) return std::nullopt;
        }
        int status = 0;
        if (::waitpid(pid_, &status, 0) != pid_) return std::nullopt;
        while (drain(std::chrono::milliseconds(0))) {
        }
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return status_;
    }

private:
    // Reads what the pipe has within `limit`; false when nothing came (time up or end of output).
    bool drain(std::chrono::milliseconds limit) {
        if (out_fd_ < 0) return false;
        pollfd p{out_fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return false;
        return read_some();
    }
    bool read_some() {
        char buffer[4096];
        const auto n = ::read(out_fd_, buffer, sizeof buffer);
        if (n <= 0) {
            ::close(out_fd_);
            out_fd_ = -1;
            return false;
        }
        output_.append(buffer, static_cast<std::size_t>(n));
        return true;
    }

    pid_t pid_ = -1;
    int out_fd_ = -1;
    int pidfd_ = -1;
    std::string output_;
    std::optional<int> status_;
};

}  // namespace netdiag::testing
