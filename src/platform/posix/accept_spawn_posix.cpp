// Starting, waiting for and killing accept worker processes.
#include <fcntl.h>
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

}  // namespace

SpawnedProcess spawn_process(const std::filesystem::path& executable,
                             const std::vector<std::string>& args, int inherited_fd) {
    SpawnedProcess process;
    // Close-on-exec everywhere: a worker started concurrently must not inherit another
    // worker's pipe, or that worker would never see end of file on its stdin.
    int to_child[2] = {-1, -1};
    int from_child[2] = {-1, -1};
    if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0) {
        process.error = last_socket_error();
        process.failed_step = "pipe2";
        for (int* fd : {&to_child[0], &to_child[1], &from_child[0], &from_child[1]}) close_fd(*fd);
        return process;
    }
    const auto child = platform::posix::spawn_child(executable.string(), args,
                                                    {.stdin_fd = to_child[0],
                                                     .stdout_fd = from_child[1],
                                                     .stderr_fd = -1,
                                                     .fd3 = inherited_fd});
    ::close(to_child[0]);
    ::close(from_child[1]);
    if (child.pid < 0) {
        process.error = describe_native_error(child.error);
        process.failed_step = "posix_spawn " + executable.string();
        ::close(to_child[1]);
        ::close(from_child[0]);
        return process;
    }
    process.pid = child.pid;
    process.to_child = to_child[1];
    process.from_child = from_child[0];
    return process;
}

bool wait_for_exit(pid_t pid, Clock::time_point until, int& status) {
    while (true) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) return true;
        if (done < 0 && errno != EINTR) {  // not our child any more: nothing left to wait for
            status = 0;
            return true;
        }
        if (Clock::now() >= until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

int kill_and_reap(pid_t pid) {
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

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

}  // namespace netdiag::platform::accept::posix
