#include "platform/posix/spawn_child.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

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
    {
        const auto gate = hold_for_child_start();
        child.error =
            ::posix_spawn(&child.pid, program.c_str(), &actions, nullptr, argv.data(), environ);
    }
    posix_spawn_file_actions_destroy(&actions);
    if (fd3 != descriptors.fd3) ::close(fd3);
    if (child.error != 0) child.pid = -1;
    return child;
}

}  // namespace netdiag::platform::posix
