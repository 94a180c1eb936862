// netdiag's entry point: sockets library, signals, then the CLI.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "app.hpp"
#include "netdiag/platform.hpp"

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int) {
    g_interrupted = true;
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);

    netdiag::platform::NetworkLibrary network;
    if (!network.ok()) {
        std::cerr << "netdiag: error: cannot start the socket library: "
                  << network.error().describe() << "\n";
        return 3;
    }
    const char* no_color = std::getenv("NO_COLOR");
    netdiag::cli::CliIo io{std::cout,
                           std::cerr,
                           netdiag::platform::is_terminal(1),
                           netdiag::platform::is_terminal(2),
                           no_color != nullptr && *no_color != '\0',
                           &g_interrupted};
    const std::vector<std::string> args(argv + 1, argv + argc);
    const int code = netdiag::cli::run(args, io);
    std::cout.flush();
    std::cerr.flush();
    // An interrupt can leave a probe abandoned while its workers still run: end them here, so
    // no child of netdiag outlives it.
    netdiag::platform::end_child_processes();
    // A probe that overran its deadline may still be running on a detached thread; leave
    // without running static destructors under it.
    std::_Exit(code);
}
