#include "worker_command.hpp"

namespace netdiag::cli {

void add_worker_command(CLI::App& app, WorkerCommand& command) {
    command.app = app.add_subcommand("accept-worker", "Internal: one shared-accept worker");
    command.app->group("");  // hidden: started by the shared-accept probe only
    command.app->add_option("--pattern", command.args.pattern)->required();
    command.app->add_option("--id", command.args.id)->required();
    command.app->add_option("--listen-fd", command.args.listen_fd);
    command.app->add_option("--address", command.args.address);
    command.app->add_option("--port", command.args.port);
    command.app->add_option("--reply", command.reply)->check(CLI::IsMember({"id", "http"}));
    command.app->add_option("--lifetime-ms", command.lifetime_ms);
}

int run_worker_command(WorkerCommand& command) {
    command.args.reply = command.reply == "http" ? platform::accept::Reply::http
                                                 : platform::accept::Reply::worker_id;
    command.args.lifetime = std::chrono::milliseconds(command.lifetime_ms);
    return platform::accept::run_worker_process(command.args);
}

}  // namespace netdiag::cli
