#include "platform/posix/spawn_child.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <vector>

#include "platform/child_start_gate.hpp"

extern char** environ;

namespace netdiag::platform::posix {
namespace {

void route(posix_spawn_file_actions_t& actions, int from, int to, int null_mode) {
    if (from < 0) {
        posix_spawn_file_actions_addopen(&actions, to, "/dev/null", null_mode, 0);
    } else {
        posix_spawn_file_actions_adddup2(&actions, from, to);
    }
}

// Every child netdiag started, so the process can end the ones still running before it exits
// (end_child_processes). Entries of children already reaped are pruned now and then.
struct ChildRegistry {
    std::mutex mutex;
    std::vector<pid_t> pids;
    bool closed = false;  // exit has begun: no more children
};

ChildRegistry& registry() {
    static auto* children = new ChildRegistry;  // never destroyed: used up to _Exit
    return *children;
}

// True while pid is a child of this process that has not been reaped.
bool still_ours(pid_t pid) {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

}  // namespace

SpawnedChild spawn_child(const std::string& program, const std::vector<std::string>& args,
                         const ChildDescriptors& descriptors) {
    // dup2(fd, fd) would keep close-on-exec: move a descriptor already numbered 3 first.
    int fd3 = descriptors.fd3;
    if (fd3 == 3) fd3 = ::fcntl(descriptors.fd3, F_DUPFD_CLOEXEC, 10);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    route(actions, descriptors.stdin_fd, 0, O_RDONLY);
    route(actions, descriptors.stdout_fd, 1, O_WRONLY);
    route(actions, descriptors.stderr_fd, 2, O_WRONLY);
    if (fd3 >= 0) posix_spawn_file_actions_adddup2(&actions, fd3, 3);

    std::vector<std::string> argv_text{program};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_text) argv.push_back(arg.data());
    argv.push_back(nullptr);

    SpawnedChild child;
    auto& children = registry();
    {
        const auto gate = hold_for_child_start();
        const std::lock_guard lock(children.mutex);
        if (children.closed) {
            child.error = ECANCELED;
        } else {
            child.error =
                ::posix_spawn(&child.pid, program.c_str(), &actions, nullptr, argv.data(), environ);
            if (child.error == 0) {
                if (children.pids.size() >= 64)
                    std::erase_if(children.pids, [](pid_t p) { return !still_ours(p); });
                children.pids.push_back(child.pid);
            }
        }
    }
    posix_spawn_file_actions_destroy(&actions);
    if (fd3 != descriptors.fd3) ::close(fd3);
    if (child.error != 0) child.pid = -1;
    return child;
}

}  // namespace netdiag::platform::posix

namespace netdiag::platform {

void end_child_processes() {
    auto& children = posix::registry();
    const std::lock_guard lock(children.mutex);
    children.closed = true;
    for (const pid_t pid : children.pids) {
        // Only a child not yet reaped is signalled: its pid cannot have been recycled. (No
        // pidfd: valgrind, which the tests run netdiag under, does not know pidfd_open.)
        if (!posix::still_ours(pid)) continue;
        ::kill(pid, SIGKILL);
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    children.pids.clear();
}

}  // namespace netdiag::platform
