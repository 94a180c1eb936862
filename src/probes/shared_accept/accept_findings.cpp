#include "accept_findings.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace netdiag::probes::shared_accept {
namespace {

using platform::accept::WorkerEnd;
using platform::accept::WorkerFailure;

// Descriptors a server needs beyond its connections: listener, logs, pipes, libraries.
constexpr std::uint64_t kDescriptorHeadroom = 64;

constexpr FindingFactory make{"shared-accept"};

bool out_of_descriptors(const WorkerFailure& f) {
    return f.error.native_name == "EMFILE" || f.error.native_name == "ENFILE" ||
           f.error.native_name == "WSAEMFILE";
}

// A write to a client that already left says nothing about the pattern.
bool client_side(const WorkerFailure& f) {
    return f.step == "send";
}

bool iocp_failure(const WorkerFailure& f) {
    return f.step.find("CreateIoCompletionPort") != std::string::npos ||
           f.step.find("AcceptEx") != std::string::npos;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += (text.empty() ? "" : "; ") + l;
    return text;
}

void judge_run(const PatternRun& run, const Spread& spread, std::vector<Finding>& out) {
    std::vector<const WorkerFailure*> pattern_failures;
    std::vector<std::pair<unsigned, const WorkerFailure*>> descriptor_failures;
    std::vector<std::string> lines;
    nlohmann::json evidence_failures = nlohmann::json::array();
    auto consider = [&](int worker, const WorkerFailure& f) {
        if (client_side(f)) return;
        if (out_of_descriptors(f)) {
            descriptor_failures.emplace_back(worker, &f);
            return;
        }
        pattern_failures.push_back(&f);
        lines.push_back(worker < 0
                            ? fmt::format("setup: {}: {}", f.step, f.error.describe())
                            : fmt::format("worker {}: {}: {}", worker, f.step, f.error.describe()));
        auto e = f.error.to_evidence();
        e["step"] = f.step;
        e["worker"] = worker;
        e["count"] = f.count;
        evidence_failures.push_back(e);
    };
    for (const auto& f : run.group.setup_failures) consider(-1, f);
    for (const auto& w : run.group.workers) {
        for (const auto& f : w.failures) consider(static_cast<int>(w.id), f);
    }

    bool explained = false;
    if (!pattern_failures.empty()) {
        explained = true;
        const auto& first = *pattern_failures.front();
        auto f = make(kIdPatternFails, Severity::error,
                      fmt::format("Pattern {} fails on this host: {} {}", run.pattern.id,
                                  first.step, first.error.native_name),
                      fmt::format("{} ({}); {} of {} connections served. {}", run.pattern.summary,
                                  run.pattern.id, spread.served_total, run.requested_connections,
                                  joined(lines)));
        f.evidence = {{"pattern", run.pattern.id},     {"step", first.step},
                      {"errno", first.error.native},   {"errno_name", first.error.native_name},
                      {"served", spread.served_total}, {"connections", run.requested_connections},
                      {"failures", evidence_failures}};
        for (const auto& note : run.group.notes) f.detail += " " + note;
        const bool iocp = std::any_of(pattern_failures.begin(), pattern_failures.end(),
                                      [](const auto* p) { return iocp_failure(*p); });
        if (iocp) {
            f.remedy = {
                "A socket belongs to one I/O completion port: do not give the same listening "
                "socket to several proactor (IOCP) event loops, in threads or processes",
                "Run one worker per listening socket (e.g. `uvicorn app:app --workers 1`) and "
                "scale with several servers on different ports behind a reverse proxy (nginx, "
                "Caddy, IIS ARR)",
                "Or use a readiness-based loop in each worker process (asyncio "
                "WindowsSelectorEventLoopPolicy / select), sharing the listener with "
                "WSADuplicateSocket after listen(): netdiag's `inherit-poll` pattern",
                "Or keep one acceptor with one completion port and hand accepted sockets to "
                "the workers"};
        } else {
            f.remedy = {
                "Use a pattern this host runs without failures (see the pattern table: "
                "`netdiag probe shared-accept`)",
                "Run one worker, or one acceptor handing connections to workers, or a reverse "
                "proxy in front of single-worker servers"};
        }
        out.push_back(std::move(f));
    }

    if (!descriptor_failures.empty()) {
        explained = true;
        const auto& [worker, first] = descriptor_failures.front();
        auto f = make(kIdOpenFiles, Severity::error,
                      fmt::format("Pattern {}: workers ran out of file descriptors ({})",
                                  run.pattern.id, first->error.native_name),
                      fmt::format("worker {}: {}: {} (×{})", worker, first->step,
                                  first->error.describe(), first->count));
        f.evidence = {{"pattern", run.pattern.id},
                      {"worker", worker},
                      {"step", first->step},
                      {"errno", first->error.native},
                      {"errno_name", first->error.native_name},
                      {"count", first->count}};
        f.remedy = {
            "Raise the open-file limit of the server's service: `ulimit -n 65536` in its "
            "shell, `LimitNOFILE=65536` in its systemd unit, `nofile` in "
            "/etc/security/limits.conf",
            "Check the system-wide limit: `cat /proc/sys/fs/file-max` (ENFILE)"};
        out.push_back(std::move(f));
    }

    std::vector<std::string> crashes;
    nlohmann::json crash_evidence = nlohmann::json::array();
    std::vector<std::string> not_started;
    for (const auto& w : run.group.workers) {
        const bool crashed = w.end == WorkerEnd::crashed ||
                             (w.end == WorkerEnd::exited_early && w.failures.empty() && w.ready);
        if (crashed) {
            crashes.push_back(fmt::format("worker {} (pid {}): {}", w.id, w.pid, w.end_detail));
            crash_evidence.push_back({{"worker", w.id},
                                      {"pid", w.pid},
                                      {"signal", w.signal},
                                      {"exit_code", w.exit_code},
                                      {"end", w.end_detail},
                                      {"served", spread.served[w.id]}});
        } else if (!w.ready && w.failures.empty()) {
            not_started.push_back(
                fmt::format("worker {}: {}", w.id,
                            w.end_detail.empty() ? "never said it was ready" : w.end_detail));
        }
    }
    if (!crashes.empty()) {
        explained = true;
        auto f = make(kIdWorkerCrashed, Severity::error,
                      fmt::format("Pattern {}: {} worker(s) ended while serving", run.pattern.id,
                                  crashes.size()),
                      fmt::format("{}; the other workers served {} of {} connections.",
                                  joined(crashes), spread.served_total, run.requested_connections));
        f.evidence = {{"pattern", run.pattern.id}, {"workers", crash_evidence}};
        f.remedy = {
            "Look for the worker's own log or core dump at that time (`coredumpctl "
            "list`, `journalctl -k | grep -i 'killed process'` for the OOM killer)",
            "Let the server's supervisor restart dead workers (gunicorn/uvicorn do), "
            "and check that connections queued on the shared listener are still served"};
        out.push_back(std::move(f));
    }
    if (!not_started.empty()) {
        explained = true;
        auto f = make(kIdWorkersNotStarted, Severity::error,
                      fmt::format("Pattern {}: {} of {} workers never became ready", run.pattern.id,
                                  not_started.size(), run.group.workers.size()),
                      joined(not_started));
        f.evidence = {{"pattern", run.pattern.id},
                      {"not_ready", not_started.size()},
                      {"workers", run.group.workers.size()}};
        f.remedy = {
            "Run `netdiag probe shared-accept -v --timeout 10s`: a slow host needs more "
            "time to start the worker processes",
            "Check that the netdiag executable can be run again by itself (noexec "
            "mounts, antivirus or AppLocker blocking child processes)"};
        out.push_back(std::move(f));
    }

    if (!explained && spread.failed > 0) {
        nlohmann::json kinds = nlohmann::json::object();
        std::string first;
        for (const auto& c : run.drive.connections) {
            if (c.worker >= 0) continue;
            const auto key = c.error ? c.failure + ": " + c.error.describe() : c.failure;
            if (first.empty()) first = key;
            kinds[key] = kinds.value(key, 0) + 1;
        }
        auto f = make(kIdUnserved, Severity::error,
                      fmt::format("Pattern {}: {} of {} connections were not served",
                                  run.pattern.id, spread.failed, run.requested_connections),
                      fmt::format("No worker reported a failure, yet connections failed; first: "
                                  "{}",
                                  first));
        f.evidence = {{"pattern", run.pattern.id},
                      {"failed", spread.failed},
                      {"served", spread.served_total},
                      {"failures", kinds}};
        f.remedy = {
            "Check the listen backlog (`sysctl net.core.somaxconn`, "
            "`net.ipv4.tcp_max_syn_backlog`) and SYN cookies in `nstat -az TcpExtListen*`",
            "Check for a firewall or security product between the client and loopback"};
        out.push_back(std::move(f));
    }

    if (spread.starved_workers > 0 && spread.failed == 0) {
        std::vector<std::string> counts;
        for (std::size_t i = 0; i < spread.served.size(); ++i) {
            counts.push_back(fmt::format("worker {}: {}", i, spread.served[i]));
        }
        const bool reuseport = run.pattern.sharing == "reuseport";
        auto f = make(kIdUnevenSpread, Severity::info,
                      fmt::format("Pattern {}: {} worker(s) starved, Jain index {:.2f}",
                                  run.pattern.id, spread.starved_workers, spread.jain_index),
                      fmt::format("{} connections: {}. {}", spread.served_total, joined(counts),
                                  reuseport ? "SO_REUSEPORT hashes each connection's addresses "
                                              "and ports to one listener."
                                            : "Every waiting worker is woken and the most "
                                              "recent waiter tends to win (thundering herd, "
                                              "LIFO wake-ups)."));
        f.evidence = {{"pattern", run.pattern.id},
                      {"served", spread.served},
                      {"jain_index", std::round(spread.jain_index * 1000) / 1000},
                      {"starved_workers", spread.starved_workers}};
        f.remedy = reuseport
                       ? std::vector<std::string>{
                             "Expect an uneven spread with few client addresses: the hash is "
                             "per connection 4-tuple; many clients even it out",
                             "For a fair spread from few clients, share one listener (blocking "
                             "accept wakes one waiter at a time)"}
                       : std::vector<std::string>{
                             "Use EPOLLEXCLUSIVE (Linux 4.5+) or a shared accept mutex "
                             "(nginx `accept_mutex on`) so one worker is woken per connection",
                             "Or give each worker its own SO_REUSEPORT listener (nginx `listen "
                             "… reuseport`, uvicorn/hypercorn reuse_port)"};
        out.push_back(std::move(f));
    }
}

}  // namespace

std::vector<Finding> judge(const JudgeInput& input) {
    std::vector<Finding> findings;
    for (const auto& run : input.runs) {
        if (verdict(run, analyse(run)) == "not-run") continue;
        judge_run(run, analyse(run), findings);
    }
    for (const auto& u : input.unavailable) {
        auto f = make(kIdUnavailable, Severity::info,
                      fmt::format("Pattern {} is not available on this OS", u.id), u.reason);
        f.evidence = {{"pattern", u.id}};
        f.remedy = {
            "Use a shared listener instead: one socket duplicated into each worker "
            "(WSADuplicateSocket), with a readiness-based accept loop"};
        findings.push_back(std::move(f));
    }
    if (input.open_files_limit &&
        *input.open_files_limit < input.connections + kDescriptorHeadroom) {
        auto f = make(kIdOpenFiles, Severity::warning,
                      fmt::format("Open-file limit {} is below the {} connections configured",
                                  *input.open_files_limit, input.connections),
                      fmt::format("RLIMIT_NOFILE (soft) is {}; a server holding {} connections "
                                  "needs about {} descriptors. accept() fails with EMFILE past "
                                  "the limit.",
                                  *input.open_files_limit, input.connections,
                                  input.connections + kDescriptorHeadroom));
        f.evidence = {{"open_files_limit", *input.open_files_limit},
                      {"connections", input.connections}};
        f.remedy = {
            "`ulimit -n 65536` in the server's shell, `LimitNOFILE=65536` in its systemd "
            "unit, or `nofile` in /etc/security/limits.conf"};
        findings.push_back(std::move(f));
    }
    return findings;
}

}  // namespace netdiag::probes::shared_accept
