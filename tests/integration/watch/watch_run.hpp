// Runs the built `netdiag watch` in the background inside a network namespace (ip netns exec
// replaces itself with netdiag, so the child's pid is netdiag's and a SIGINT reaches it), waits
// for it to start listening by reading its live output, and collects its exit status and JSON
// report. Every wait has a deadline; a run that overstays is killed.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "run_binary.hpp"

namespace netdiag::testing {

class BackgroundWatch {
public:
    BackgroundWatch(const std::string& netns, const std::vector<std::string>& args)
        : report_((std::filesystem::temp_directory_path() /
                   ("netdiag-watch-" + std::to_string(getpid()) + "-" +
                    std::to_string(++counter()) + ".json"))
                      .string()),
          process_(command(netns, report_, args)) {}
    ~BackgroundWatch() { std::filesystem::remove(report_); }
    BackgroundWatch(const BackgroundWatch&) = delete;
    BackgroundWatch& operator=(const BackgroundWatch&) = delete;

    bool started_ok() const { return process_.started(); }

    // True once the live output says the event source is listening.
    bool wait_listening(std::chrono::milliseconds limit) {
        return process_.wait_for_output("netdiag watch:", limit);
    }

    // True once the live output holds `text` (an event watch printed as it happened).
    bool wait_for_output(const std::string& text, std::chrono::milliseconds limit) {
        return process_.wait_for_output(text, limit);
    }

    void interrupt() const { process_.signal(SIGINT); }

    // The exit status, or -1 when it did not end in time (it is killed with the object).
    int wait_exit(std::chrono::milliseconds limit) {
        return process_.wait_exit(limit).value_or(-1);
    }

    nlohmann::json report() const { return nlohmann::json::parse(slurp(report_), nullptr, false); }
    const std::string& report_path() const { return report_; }
    std::string output() { return process_.output(); }

private:
    static std::vector<std::string> command(const std::string& netns, const std::string& report,
                                            const std::vector<std::string>& args) {
        std::vector<std::string> argv{"ip",    "netns",    "exec", netns, NETDIAG_BINARY,
                                      "watch", "--format", "json", "-o",  report};
        argv.insert(argv.end(), args.begin(), args.end());
        return argv;
    }
    static int& counter() {
        static int n = 0;
        return n;
    }
    std::string report_;
    ChildProcess process_;
};

}  // namespace netdiag::testing
