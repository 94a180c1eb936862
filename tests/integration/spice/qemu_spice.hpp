// Starts Debian's qemu-system-x86_64 as a real SPICE server for tests: CPU paused (-S), no disk,
// no network device, SPICE on 127.0.0.1 only, with a QXL display and HDA audio on a SPICE
// audiodev so DISPLAY, CURSOR, INPUTS, PLAYBACK and RECORD exist. The destructor kills QEMU,
// so every test path (including a failed REQUIRE) leaves no VM behind, and PR_SET_PDEATHSIG
// kills it if the test process itself dies.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <poll.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "run_binary.hpp"

namespace netdiag::testing {

inline std::string find_qemu() {
    for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) {
        const auto path = std::string(dir) + "/qemu-system-x86_64";
        if (::access(path.c_str(), X_OK) == 0) return path;
    }
    return {};
}

// A TCP port free on 127.0.0.1 right now (the kernel picks it).
inline std::uint16_t free_tcp_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    std::uint16_t port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    ::close(fd);
    return port;
}

inline bool tcp_port_accepts(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

class QemuSpice {
public:
    // An empty password starts the server with disable-ticketing=on.
    explicit QemuSpice(const std::string& password = {}) {
        const auto qemu = find_qemu();
        if (qemu.empty()) {
            skip_reason_ = "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)";
            return;
        }
        log_ = (std::filesystem::temp_directory_path() /
                ("netdiag-qemu-" + std::to_string(::getpid()) + "-" + std::to_string(++counter()) +
                 ".log"))
                   .string();
        port_ = free_tcp_port();
        std::vector<std::string> args{qemu, "-nodefaults", "-S", "-display", "none",
                                      // The QMP greeting on stdout says start-up is done
                                      // (SPICE listens from before the main loop runs).
                                      "-qmp", "stdio", "-machine", "pc", "-accel", "tcg", "-vga",
                                      "qxl", "-audiodev", "spice,id=snd0", "-device", "intel-hda",
                                      "-device", "hda-duplex,audiodev=snd0"};
        std::string spice = "port=" + std::to_string(port_) + ",addr=127.0.0.1";
        if (password.empty()) {
            spice += ",disable-ticketing=on";
        } else {
            // password-secret works on QEMU 7.2 and later; the older password= is deprecated.
            args.insert(args.end(), {"-object", "secret,id=spicepw,data=" + password});
            spice += ",password-secret=spicepw";
        }
        args.insert(args.end(), {"-spice", spice});
        start(args);
    }
    ~QemuSpice() { stop(); }
    QemuSpice(const QemuSpice&) = delete;
    QemuSpice& operator=(const QemuSpice&) = delete;

    const std::string& skip_reason() const { return skip_reason_; }
    std::uint16_t port() const { return port_; }
    std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
    std::string log() const { return slurp(log_); }

    bool alive() {
        if (pid_ <= 0) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        return true;
    }

private:
    static int& counter() {
        static int n = 0;
        return n;
    }

    void start(const std::vector<std::string>& args) {
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        // fork + exec rather than posix_spawn, to set PR_SET_PDEATHSIG: QEMU dies with the
        // test process even if the test crashes before the destructor runs. Only
        // async-signal-safe calls between fork and exec.
        const int log_fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        int qmp[2] = {-1, -1};
        if (::pipe2(qmp, O_CLOEXEC) != 0) {
            skip_reason_ = std::string("cannot start QEMU: pipe: ") + std::strerror(errno);
            return;
        }
        const pid_t parent = ::getpid();
        pid_ = ::fork();
        if (pid_ == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);
            const int null_fd = ::open("/dev/null", O_RDONLY);
            ::dup2(null_fd, 0);
            ::dup2(qmp[1], 1);
            ::dup2(log_fd, 2);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        if (log_fd >= 0) ::close(log_fd);
        ::close(qmp[1]);
        qmp_fd_ = qmp[0];  // kept open: QEMU may write QMP events until it stops
        if (pid_ < 0) {
            skip_reason_ = "cannot start " + args[0] + ": fork: " + std::strerror(errno);
            pid_ = -1;
            return;
        }
        // Wait for the QMP greeting, or for QEMU to exit: both are events on descriptors.
        const int exited = open_pidfd(pid_);
        std::string greeting;
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (greeting.find("\"QMP\"") == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                until - std::chrono::steady_clock::now());
            pollfd fds[2] = {{qmp_fd_, POLLIN, 0}, {exited, POLLIN, 0}};
            if (left.count() <= 0 || ::poll(fds, 2, static_cast<int>(left.count())) <= 0) {
                skip_reason_ = "QEMU did not finish starting in 20 s";
                break;
            }
            char buffer[512];
            const auto n =
                (fds[0].revents & (POLLIN | POLLHUP)) ? ::read(qmp_fd_, buffer, sizeof buffer) : 0;
            if (n > 0) {
                greeting.append(buffer, static_cast<std::size_t>(n));
                continue;
            }
            skip_reason_ = "QEMU exited at start: " + log();
            break;
        }
        if (exited >= 0) ::close(exited);
        if (!skip_reason_.empty()) {
            stop();
            return;
        }
        if (!tcp_port_accepts(port_)) {
            skip_reason_ = "QEMU started but its SPICE port " + std::to_string(port_) +
                           " does not accept: " + log();
            stop();
        }
    }

    void stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            if (!wait_for_process_end(pid_, std::chrono::seconds(3))) ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
        if (qmp_fd_ >= 0) ::close(qmp_fd_);
        qmp_fd_ = -1;
        if (!log_.empty()) std::filesystem::remove(log_);
    }

    pid_t pid_ = -1;
    int qmp_fd_ = -1;
    std::uint16_t port_ = 0;
    std::string log_;
    std::string skip_reason_;
};

}  // namespace netdiag::testing
