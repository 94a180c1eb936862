#include <unistd.h>

#include "netdiag/platform.hpp"

namespace netdiag::platform {

bool is_terminal(int stream) {
    return ::isatty(stream) == 1;
}

}  // namespace netdiag::platform
