// Runs the built netdiag binary through the shell and captures its exit status and output.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace netdiag::testing {

struct BinaryRun {
    int code = -1;
    std::string out;
    std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs a shell command with its stdout and stderr redirected to files of this process's
// private TMPDIR, and returns its exit status and both outputs.
inline BinaryRun run_capturing(const std::string& command) {
    static int counter = 0;
    const auto base =
        std::filesystem::temp_directory_path() / ("netdiag-run-" + std::to_string(++counter));
    const auto out = base.string() + ".out";
    const auto err = base.string() + ".err";
    const int status = std::system((command + " >'" + out + "' 2>'" + err + "'").c_str());
    BinaryRun run;
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = slurp(out);
    run.err = slurp(err);
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    return run;
}

// `env` is a prefix such as "NO_COLOR=1 " (POSIX shell syntax); args are passed as written.
inline BinaryRun run_netdiag(const std::string& args, const std::string& env = "") {
    return run_capturing(env + "\"" NETDIAG_BINARY "\" " + args);
}

}  // namespace netdiag::testing
