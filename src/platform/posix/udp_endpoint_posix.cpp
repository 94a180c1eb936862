// Address ownership and resolver messages on POSIX systems.
#include <netdb.h>
#include <unistd.h>

#include "platform/portable/udp_sockaddr.hpp"

namespace netdiag::platform::udp {

std::string resolver_error_text(int code) {
    return gai_strerror(code);
}

bool host_owns_address(const std::string& address) {
    const Endpoint endpoint{address, 0};
    const auto native = to_socket_address(endpoint);
    if (!native) return false;
    const int fd = ::socket(to_native_family(endpoint.family()), SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const bool owned = ::bind(fd, native->get(), native->length) == 0;
    ::close(fd);
    return owned;
}

}  // namespace netdiag::platform::udp
