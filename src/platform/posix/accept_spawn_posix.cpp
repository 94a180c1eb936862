// The POSIX shim's worker processes: started with posix_spawn, read through a pipe with poll,
// waited for with waitpid, killed with SIGKILL.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "netdiag/platform.hpp"
#include "platform/posix/accept_posix.hpp"
#include "platform/posix/spawn_child.hpp"

namespace netdiag::platform::accept::posix {
namespace {

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// Describes a wait status: "exit code 3", "killed by SIGKILL (9)".
std::string describe_status(int status) {
    if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        const char* abbrev = ::sigabbrev_np(sig);
        return "killed by " +
               std::string(abbrev != nullptr ? "SIG" + std::string(abbrev) : "signal") + " (" +
               std::to_string(sig) + ")";
    }
    return "wait status " + std::to_string(status);
}

ProcessExit exit_of(int status) {
    ProcessExit exit;
    exit.detail = describe_status(status);
    if (WIFSIGNALED(status)) {
        exit.abnormal = true;
        exit.signal = WTERMSIG(status);
    } else {
        exit.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    }
    return exit;
}

class PosixWorkerProcess final : public WorkerProcess {
public:
    PosixWorkerProcess(pid_t pid, int to_child, int from_child)
        : pid_(pid), to_child_(to_child), from_child_(from_child) {}
    ~PosixWorkerProcess() override {
        close_fd(to_child_);
        close_fd(from_child_);
    }

    std::int64_t pid() const override { return pid_; }

    bool write_input(std::string_view text) override {
        std::size_t done = 0;
        while (done < text.size()) {
            const auto n = ::write(to_child_, text.data() + done, text.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    }

    void close_input() override { close_fd(to_child_); }

    ReadResult read_output(std::span<char> buffer, Clock::time_point until) override {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
        pollfd p{from_child_, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count())));
        if (ready <= 0) return {};  // the wait ended, or a signal interrupted it
        const auto n = ::read(from_child_, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) return {};
        if (n <= 0) return {ReadResult::State::end, 0};
        return {ReadResult::State::data, static_cast<std::size_t>(n)};
    }

    std::optional<ProcessExit> wait_exit(Clock::time_point until) override {
        while (true) {
            int status = 0;
            const pid_t done = ::waitpid(pid_, &status, WNOHANG);
            if (done == pid_) return exit_of(status);
            if (done < 0 && errno != EINTR) {  // not our child any more: nothing to wait for
                return exit_of(0);
            }
            if (Clock::now() >= until) return std::nullopt;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    }

    ProcessExit kill_and_reap() override {
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        return exit_of(status);
    }

private:
    pid_t pid_;
    int to_child_;
    int from_child_;
};

}  // namespace

SpawnResult PosixAcceptShim::spawn_worker(const std::filesystem::path& executable,
                                          const std::vector<std::string>& args,
                                          NativeSocket shared) {
    SpawnResult result;
    int to_child[2] = {-1, -1};
    int from_child[2] = {-1, -1};
    if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0) {
        result.error = last_socket_error();
        result.failed_step = "pipe2";
        for (int* fd : {&to_child[0], &to_child[1], &from_child[0], &from_child[1]}) close_fd(*fd);
        return result;
    }
    auto child_args = args;
    if (shared != kNoSocket) child_args.insert(child_args.end(), {"--listen-fd", "3"});
    const auto child =
        platform::posix::spawn_child(executable.string(), child_args,
                                     {.stdin_fd = to_child[0],
                                      .stdout_fd = from_child[1],
                                      .stderr_fd = -1,
                                      .fd3 = shared == kNoSocket ? -1 : static_cast<int>(shared)});
    ::close(to_child[0]);
    ::close(from_child[1]);
    if (child.pid < 0) {
        result.error = describe_native_error(child.error);
        result.failed_step = "posix_spawn " + executable.string();
        ::close(to_child[1]);
        ::close(from_child[0]);
        return result;
    }
    result.process = std::make_unique<PosixWorkerProcess>(child.pid, to_child[1], from_child[0]);
    return result;
}

}  // namespace netdiag::platform::accept::posix
