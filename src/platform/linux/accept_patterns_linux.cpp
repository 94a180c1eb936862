// The shared-listener patterns Linux offers, and the process facts the accept probe needs.
#include <sys/resource.h>
#include <unistd.h>

#include <system_error>

#include "netdiag/shared_accept.hpp"

namespace netdiag::platform::accept {

std::vector<PatternInfo> patterns() {
    return {
        {"inherit-accept", "inherit", "blocking-accept", true,
         "N processes inherit one listening socket and block in accept() (pre-fork servers: "
         "Apache prefork, gunicorn sync workers)"},
        {"inherit-epoll", "inherit", "epoll", true,
         "N processes inherit one listening socket, each with its own epoll loop (gunicorn with "
         "async workers, uvicorn --workers, nginx without reuseport)"},
        {"threads-epoll", "threads", "epoll", false,
         "N threads of one process, each with its own epoll loop on the same listening socket"},
        {"reuseport", "reuseport", "blocking-accept", true,
         "N processes each bind their own socket to the port with SO_REUSEPORT; the kernel "
         "hashes connections across them (nginx reuseport, uvicorn/hypercorn with reuse_port)"},
    };
}

std::vector<UnavailablePattern> unavailable_patterns() {
    return {};
}

std::filesystem::path self_executable() {
    std::error_code ec;
    auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path{} : path;
}

std::optional<std::uint64_t> open_files_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(limit.rlim_cur);
}

}  // namespace netdiag::platform::accept
