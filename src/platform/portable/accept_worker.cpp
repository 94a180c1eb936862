// One accept worker process (`netdiag accept-worker …`) on every OS: takes its listener (its
// own SO_REUSEPORT socket, or the one its parent handed over), runs the pattern's loop through
// the OS's shim, and reports to its parent on stdout, one JSON object per line.
#include <algorithm>

#include "platform/portable/accept_shim.hpp"

namespace netdiag::platform::accept {

void PipeSink::ready() {
    WorkerMessage m;
    m.type = WorkerMessage::Type::ready;
    m.worker = id_;
    m.pid = shim_.current_pid();
    send(m);
}

void PipeSink::failure(const std::string& step, const SysError& error) {
    const WorkerFailure f{step, error, 1};
    bool first = false;
    {
        const std::lock_guard lock(mutex_);
        const auto before = failures_.size();
        add_failure(failures_, f);
        first = failures_.size() != before;
    }
    if (first) send(failure_message(f));
}

void PipeSink::finish() {
    std::vector<WorkerFailure> failures;
    {
        const std::lock_guard lock(mutex_);
        failures = failures_;
    }
    for (const auto& f : failures) send(failure_message(f));
    WorkerMessage m;
    m.type = WorkerMessage::Type::summary;
    m.worker = id_;
    m.accepted = accepted.load();
    m.spurious_wakeups = spurious_wakeups.load();
    send(m);
}

WorkerMessage PipeSink::failure_message(const WorkerFailure& failure) const {
    WorkerMessage m;
    m.type = WorkerMessage::Type::failure;
    m.worker = id_;
    m.failure = failure;
    return m;
}

void PipeSink::send(const WorkerMessage& message) {
    const auto line = encode_worker_message(message) + "\n";
    const std::lock_guard lock(write_mutex_);
    shim_.write_output(line);
}

int run_worker_process(AcceptShim& shim, const WorkerArgs& args) {
    shim.prepare_worker_process();
    const auto all = shim.patterns();
    const auto info = std::find_if(all.begin(), all.end(),
                                   [&](const PatternInfo& p) { return p.id == args.pattern; });
    if (info == all.end() || !info->processes) return 2;
    PipeSink sink(shim, args.id);
    const auto end = Clock::now() + args.lifetime;

    NativeSocket listener = kNoSocket;
    if (info->sharing == "reuseport") {
        std::vector<WorkerFailure> failures;
        listener = shim.open_listener(args.address, args.port, 1024, ListenerUse::reuseport_member,
                                      failures);
        for (const auto& f : failures) sink.failure(f.step, f.error);
    } else {
        listener = shim.receive_listener(args, sink);
    }
    if (listener == kNoSocket) {
        sink.finish();
        return 3;
    }
    const int code = shim.run_process_loop(*info, listener, args, end, sink);
    sink.finish();
    return code;
}

int run_worker_process(const WorkerArgs& args) {
    const auto shim = make_accept_shim();
    return run_worker_process(*shim, args);
}

}  // namespace netdiag::platform::accept
