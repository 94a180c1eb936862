// Windows keeps no list of the children netdiag started: a probe abandoned at an interrupt
// can leave its accept workers running until they see their stdin close (netdiag's exit
// closes it) and end themselves. POSIX kills and reaps them (posix/spawn_child.cpp).
#include "netdiag/platform.hpp"

namespace netdiag::platform {

void end_child_processes() {}

}  // namespace netdiag::platform
