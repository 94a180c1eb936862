// POSIX: start wat2wasm with stdout and stderr on pipes, poll both until the child closes
// them or the deadline passes.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "netdiag/wat_convert.hpp"
#include "platform/posix/spawn_child.hpp"

namespace netdiag::platform {
namespace {

constexpr std::size_t kMaxOutput = std::size_t{1} << 30;  // 1 GiB of module is plenty

std::string find_on_path(std::string_view name) {
    const char* path = std::getenv("PATH");
    std::string_view rest = path ? path : "/usr/local/bin:/usr/bin:/bin";
    while (true) {
        const auto colon = rest.find(':');
        std::string dir(rest.substr(0, colon));
        if (dir.empty()) dir = ".";
        std::string candidate = dir + "/" + std::string(name);
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
        if (colon == std::string_view::npos) return {};
        rest.remove_prefix(colon + 1);
    }
}

}  // namespace

WatConversion convert_wat_to_wasm(const std::string& wat_path,
                                  std::chrono::steady_clock::time_point deadline) {
    WatConversion out;
    out.tool = find_on_path("wat2wasm");
    if (out.tool.empty()) {
        out.status = WatConversion::Status::tool_missing;
        out.message =
            "wat2wasm not found on PATH (install the Debian package wabt, or convert "
            "the file with `wat2wasm FILE.wat -o FILE.wasm` and pass the .wasm)";
        return out;
    }
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
        out.message = std::string("pipe: ") + std::strerror(errno);
        return out;
    }
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        out.message = std::string("pipe: ") + std::strerror(errno);
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        return out;
    }
    const auto child = posix::spawn_child(out.tool, {"--debug-names", wat_path, "--output=-"},
                                          {.stdout_fd = out_pipe[1], .stderr_fd = err_pipe[1]});
    if (child.pid < 0) {
        out.message = std::string("posix_spawn: ") + std::strerror(child.error);
        for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
        return out;
    }
    const pid_t pid = child.pid;
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    bool open_fds[2] = {true, true};
    bool timed_out = false, too_big = false;
    char buf[65536];
    while (open_fds[0] || open_fds[1]) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        for (int k = 0; k < 2; ++k) fds[k].fd = open_fds[k] ? (k ? err_pipe[0] : out_pipe[0]) : -1;
        const int n = ::poll(fds, 2, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (n < 0 && errno != EINTR) break;
        for (int k = 0; k < 2; ++k) {
            if (!open_fds[k] || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t got = ::read(fds[k].fd, buf, sizeof buf);
            if (got <= 0) {
                open_fds[k] = false;
                continue;
            }
            if (k == 0) {
                if (out.wasm.size() + static_cast<std::size_t>(got) > kMaxOutput) {
                    too_big = true;
                    open_fds[0] = open_fds[1] = false;
                    break;
                }
                out.wasm.insert(out.wasm.end(), buf, buf + got);
            } else if (out.message.size() < 4096) {
                out.message.append(buf, static_cast<std::size_t>(got));
            }
        }
    }
    if (timed_out || too_big) ::kill(pid, SIGKILL);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    while (!out.message.empty() && (out.message.back() == '\n' || out.message.back() == '\r')) {
        out.message.pop_back();
    }
    if (timed_out) {
        out.status = WatConversion::Status::timed_out;
        out.message = "wat2wasm did not finish before the probe's deadline";
    } else if (too_big) {
        out.message = "wat2wasm output exceeds 1 GiB";
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        out.status = WatConversion::Status::ok;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && out.message.empty()) {
        out.status = WatConversion::Status::tool_missing;
        out.message = "could not run " + out.tool;
    } else if (out.message.empty()) {
        out.message = "wat2wasm failed with status " + std::to_string(status);
    }
    if (out.status != WatConversion::Status::ok) out.wasm.clear();
    return out;
}

}  // namespace netdiag::platform
