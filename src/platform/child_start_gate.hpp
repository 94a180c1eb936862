// A probe that opens a socket on a well-known port only to learn whether the port can be bound
// relies on the port being free again once it closes that socket. A child process started by
// another thread at that moment holds a copy of every descriptor until its exec drops the
// close-on-exec ones, so for those milliseconds the port stays bound, and the next check would
// blame "a process that has exited" for a conflict netdiag made itself (seen under load as a
// false ND-MCAST-002). Starting a child holds this gate shared; a check whose result depends on
// no such copy existing holds it exclusively.
#pragma once

#include <mutex>
#include <shared_mutex>

namespace netdiag::platform {

// Held from just before a child is created until the child no longer has the parent's
// descriptors (POSIX: posix_spawn has returned, which glibc does after the exec).
[[nodiscard]] std::shared_lock<std::shared_mutex> hold_for_child_start();

// Held while sockets whose lifetime must be exactly the caller's are open.
[[nodiscard]] std::unique_lock<std::shared_mutex> hold_against_child_starts();

}  // namespace netdiag::platform
