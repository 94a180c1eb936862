#include "peer_command.hpp"

#include <mutex>

#include "../probes/udp_batch/peer_protocol.hpp"
#include "../probes/udp_batch/peer_server.hpp"
#include "core/exit_code.hpp"
#include "firewall/listener_verdicts.hpp"
#include "firewall/probe_needs.hpp"
#include "netdiag/shared_accept.hpp"
#include "netdiag/udp_send.hpp"
#include "option_validators.hpp"

namespace netdiag::cli {

void add_peer_command(CLI::App& app, PeerCommand& command) {
    command.app = app.add_subcommand(
        "peer",
        "The other host for `netdiag probe udp-batch|multicast --peer HOST:PORT`: counts the "
        "udp-batch datagrams it receives, joins the multicast group and sends to it on request, "
        "and reports what arrived (UDP sink + TCP control on the same port)");
    command.app
        ->add_option("--listen", command.listen, "Address and port to listen on (UDP and TCP)")
        ->type_name("ADDRESS:PORT")
        ->check(host_port_validator(kPeerListen))
        ->capture_default_str();
    command.app
        ->add_option("--max-seconds", command.max_seconds,
                     "Stop after this many seconds (0: until Ctrl-C)")
        ->capture_default_str();
}

int run_peer_command(const PeerCommand& command, CliIo& io) {
    std::string error;
    const auto listen =
        platform::udp::resolve_endpoint(command.listen, probes::udp_batch::kDefaultPeerPort,
                                        std::chrono::steady_clock::now() + kLookupWait, error);
    if (!listen) {
        io.err << "netdiag: error: --listen " << command.listen << ": " << error << "\n";
        return exit_usage;
    }
    static const std::atomic<bool> never{false};
    std::mutex output;
    probes::udp_batch::PeerServerOptions options;
    options.listen = *listen;
    options.run_for = std::chrono::seconds(command.max_seconds);
    options.stop = io.interrupt != nullptr ? io.interrupt : &never;
    options.log = [&](const std::string& line) {
        const std::lock_guard lock(output);
        io.out << "netdiag peer: " << line << std::endl;  // flushed: scripts wait for these lines
    };
    // On Windows, say before waiting whether the firewall lets the sender's traffic in.
    auto host = platform::read_host_snapshot();
    const std::vector<std::string> programs{platform::accept::self_executable().string()};
    const auto needs = fw::peer_needs(listen->port);
    host.firewall =
        fw::read_relevant_firewall(fw::NeedSet{needs, programs}, std::chrono::seconds(3));
    for (const auto& line : fw::listener_firewall_lines(host, listen->address, needs, programs)) {
        options.log(line);
    }
    const auto failure = probes::udp_batch::run_peer_server(options);
    if (!failure.empty()) {
        io.err << "netdiag: error: peer: " << failure << "\n";
        return exit_tool_failure;
    }
    return exit_ok;
}

}  // namespace netdiag::cli
