// Runs the built `netdiag watch` in the background inside a network namespace (ip netns exec
// replaces itself with netdiag, so the child's pid is netdiag's and a SIGINT reaches it), waits
// for it to start listening, and collects its exit status and JSON report. Every wait has a
// deadline; a run that overstays is killed.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_binary.hpp"

namespace netdiag::testing {

class BackgroundWatch {
public:
    BackgroundWatch(const std::string& netns, const std::vector<std::string>& args) {
        const auto base =
            std::filesystem::temp_directory_path() /
            ("netdiag-watch-" + std::to_string(getpid()) + "-" + std::to_string(++counter()));
        report_ = base.string() + ".json";
        out_ = base.string() + ".out";
        std::vector<std::string> argv{"ip",    "netns",    "exec", netns, NETDIAG_BINARY,
                                      "watch", "--format", "json", "-o",  report_};
        argv.insert(argv.end(), args.begin(), args.end());
        pid_ = ::fork();
        if (pid_ == 0) {
            std::vector<char*> raw;
            for (auto& a : argv) raw.push_back(a.data());
            raw.push_back(nullptr);
            const int out = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            const int err = ::open((out_ + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) _exit(126);
            ::execvp("ip", raw.data());
            _exit(127);
        }
    }
    ~BackgroundWatch() {
        if (pid_ > 0 && !finished_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        for (const auto& p : {report_, out_, out_ + ".err"}) std::filesystem::remove(p);
    }
    BackgroundWatch(const BackgroundWatch&) = delete;
    BackgroundWatch& operator=(const BackgroundWatch&) = delete;

    bool started_ok() const { return pid_ > 0; }

    // True once the live output says the event source is listening.
    bool wait_listening(std::chrono::milliseconds limit) const {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (slurp(out_).find("netdiag watch:") != std::string::npos) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

    void interrupt() const { ::kill(pid_, SIGINT); }

    // The exit status, or -1 when it did not end in time (then it is killed).
    int wait_exit(std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        int status = 0;
        while (std::chrono::steady_clock::now() < deadline) {
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                finished_ = true;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return -1;
    }

    nlohmann::json report() const { return nlohmann::json::parse(slurp(report_), nullptr, false); }
    const std::string& report_path() const { return report_; }
    std::string output() const { return slurp(out_) + slurp(out_ + ".err"); }

private:
    static int& counter() {
        static int n = 0;
        return n;
    }
    pid_t pid_ = -1;
    bool finished_ = false;
    std::string report_, out_;
};

}  // namespace netdiag::testing
