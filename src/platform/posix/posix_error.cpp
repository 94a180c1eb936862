// errno naming for POSIX systems, and the no-op network library lifetime.
#include <cerrno>
#include <cstring>

#include "netdiag/platform.hpp"

namespace netdiag::platform {
namespace {

// The errno values a socket diagnostic meets. Names are the symbolic constants, so messages
// read like the headers users search for.
const char* errno_name(int code) {
    switch (code) {
#define ND_ERRNO(name) \
    case name:         \
        return #name;
        ND_ERRNO(EPERM)
        ND_ERRNO(ENOENT) ND_ERRNO(ESRCH) ND_ERRNO(EINTR) ND_ERRNO(EIO) ND_ERRNO(ENXIO) ND_ERRNO(
            E2BIG) ND_ERRNO(EBADF) ND_ERRNO(ECHILD) ND_ERRNO(EAGAIN) ND_ERRNO(ENOMEM)
            ND_ERRNO(EACCES) ND_ERRNO(EFAULT) ND_ERRNO(EBUSY) ND_ERRNO(EEXIST) ND_ERRNO(ENODEV)
                ND_ERRNO(ENOTDIR) ND_ERRNO(EISDIR) ND_ERRNO(EINVAL) ND_ERRNO(ENFILE) ND_ERRNO(
                    EMFILE) ND_ERRNO(ENOSPC) ND_ERRNO(EROFS) ND_ERRNO(EPIPE) ND_ERRNO(ERANGE)
                    ND_ERRNO(ENOSYS) ND_ERRNO(ENOTSOCK) ND_ERRNO(EDESTADDRREQ) ND_ERRNO(EMSGSIZE)
                        ND_ERRNO(EPROTOTYPE) ND_ERRNO(ENOPROTOOPT) ND_ERRNO(EPROTONOSUPPORT)
                            ND_ERRNO(EOPNOTSUPP) ND_ERRNO(EAFNOSUPPORT) ND_ERRNO(EADDRINUSE)
                                ND_ERRNO(EADDRNOTAVAIL) ND_ERRNO(ENETDOWN) ND_ERRNO(ENETUNREACH)
                                    ND_ERRNO(ENETRESET) ND_ERRNO(ECONNABORTED) ND_ERRNO(ECONNRESET)
                                        ND_ERRNO(ENOBUFS) ND_ERRNO(EISCONN) ND_ERRNO(ENOTCONN)
                                            ND_ERRNO(ETIMEDOUT) ND_ERRNO(ECONNREFUSED)
                                                ND_ERRNO(EHOSTDOWN) ND_ERRNO(EHOSTUNREACH)
                                                    ND_ERRNO(EALREADY) ND_ERRNO(EINPROGRESS)
#undef ND_ERRNO
                                                        default : return nullptr;
    }
}

}  // namespace

SysError describe_native_error(int native) {
    SysError error;
    error.native = native;
    error.portable = std::error_code(native, std::generic_category());
    const char* name = errno_name(native);
    error.native_name = name != nullptr ? name : "errno " + std::to_string(native);
    error.message = std::strerror(native);
    return error;
}

SysError last_socket_error() {
    return describe_native_error(errno);
}

NetworkLibrary::NetworkLibrary() = default;
NetworkLibrary::~NetworkLibrary() = default;

}  // namespace netdiag::platform
