// The Linux shim of the shared-accept core: the POSIX calls, plus the patterns Linux offers,
// the worker executable, and the loops (epoll, a thread blocked in accept()).
#include <sys/eventfd.h>
#include <unistd.h>

#include "platform/posix/accept_posix.hpp"

namespace netdiag::platform::accept::posix {
namespace {

// The stop flag, and an eventfd every epoll loop of the group watches. An eventfd with a
// count stays readable: every loop sees it within its 100 ms wait.
class EventfdStop final : public StopSignal {
public:
    EventfdStop() : fd_(::eventfd(0, EFD_CLOEXEC)) {}
    ~EventfdStop() override {
        if (fd_ >= 0) ::close(fd_);
    }
    void raise() override {
        StopSignal::raise();
        const std::uint64_t one = 1;
        (void)!::write(fd_, &one, sizeof one);
    }
    int fd() const { return fd_; }

private:
    int fd_;
};

class LinuxAcceptShim final : public PosixAcceptShim {
public:
    std::string_view os_name() const override { return "Linux"; }
    std::vector<PatternInfo> patterns() const override { return accept::patterns(); }

    // The path of this executable, as the kernel's link names it. Exec'ing "/proc/self/exe"
    // itself would run whatever is executing us: under valgrind or an emulator that is the
    // tool, not netdiag. The literal link is kept for a binary deleted or replaced since it
    // started (a package upgrade), where the named path no longer holds this program.
    std::filesystem::path default_worker_executable() const override {
        auto path = self_executable();
        if (path.empty() || path.native().ends_with(" (deleted)")) return "/proc/self/exe";
        return path;
    }

    std::unique_ptr<StopSignal> make_stop_signal() override {
        return std::make_unique<EventfdStop>();
    }

    void run_thread_worker(const ThreadWorker& worker) override {
        run_epoll_loop(*this, static_cast<int>(worker.listener),
                       static_cast<EventfdStop&>(worker.stop).fd(), worker.id, worker.reply,
                       worker.end, worker.sink);
    }

    // The epoll loop watches stdin beside the listener: end of file there means stop.
    int run_process_loop(const PatternInfo& pattern, NativeSocket listener, const WorkerArgs& args,
                         Clock::time_point end, PipeSink& sink) override {
        const int fd = static_cast<int>(listener);
        if (pattern.wait == "epoll") {
            run_epoll_loop(*this, fd, 0, args.id, args.reply, end, sink);
            return 0;
        }
        return run_blocking_worker_process(*this, fd, args.id, args.reply, end, sink);
    }
};

}  // namespace
}  // namespace netdiag::platform::accept::posix

namespace netdiag::platform::accept {

std::unique_ptr<AcceptShim> make_accept_shim() {
    return std::make_unique<posix::LinuxAcceptShim>();
}

}  // namespace netdiag::platform::accept
