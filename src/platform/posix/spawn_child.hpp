// Starting a helper program (a worker, nft, wat2wasm) the one way netdiag does on POSIX:
// posix_spawn, which is safe in a threaded process, under the child-start gate, with the
// descriptors the child gets named explicitly. Every other descriptor of netdiag is
// close-on-exec, so the child sees only these.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace netdiag::platform::posix {

struct ChildDescriptors {
    int stdin_fd = -1;   // -1: /dev/null
    int stdout_fd = -1;  // -1: /dev/null
    int stderr_fd = -1;  // -1: /dev/null
    int fd3 = -1;        // -1: none (a listening socket handed to an accept worker)
};

struct SpawnedChild {
    pid_t pid = -1;
    int error = 0;  // posix_spawn's errno when pid is -1
};

// argv[0] is the program path itself.
SpawnedChild spawn_child(const std::string& program, const std::vector<std::string>& args,
                         const ChildDescriptors& descriptors);

}  // namespace netdiag::platform::posix
