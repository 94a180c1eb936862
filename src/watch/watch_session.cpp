#include "watch/watch_session.hpp"

#include <algorithm>
#include <csignal>

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>

#include "core/duration.hpp"
#include "watch/heartbeat.hpp"

namespace netdiag::watch {
namespace {

using Clock = std::chrono::steady_clock;

bool wanted(const WatchOptions& options, const std::string& interface_name) {
    if (options.interfaces.empty()) return true;
    return std::find(options.interfaces.begin(), options.interfaces.end(), interface_name) !=
           options.interfaces.end();
}

}  // namespace

WatchRecord run_watch(const WatchOptions& options,
                      const std::function<void(const WatchRecord&)>& started_callback) {
    WatchRecord record;
    record.started_wall = std::chrono::system_clock::now();
    const auto started = Clock::now();
    asio::io_context io;

    auto add_entry = [&](TimelineEntry entry) {
        if (options.on_entry) options.on_entry(entry);
        record.timeline.push_back(std::move(entry));
    };
    SysError error;
    auto source = platform::links::open_link_event_source(
        io,
        [&](const platform::links::LinkEvent& event) {
            // Route events without an interface pass only when nothing is filtered.
            if (!wanted(options, event.interface_name)) return;
            add_entry(to_entry(event, started));
        },
        error, record.failure);
    if (!source) {
        if (record.failure.empty()) record.failure = error.describe();
        return record;
    }
    for (const auto& status : source->initial_interfaces()) {
        if (wanted(options, status.name)) record.initial.push_back(status);
    }

    std::unique_ptr<Heartbeat> heartbeat;
    record.heartbeat_source = options.heartbeat_source;
    if (options.heartbeat) {
        heartbeat = std::make_unique<Heartbeat>(
            io, *options.heartbeat, options.heartbeat_source, options.heartbeat_interval,
            [&](const SysError& send_error) {
                TimelineEntry entry;
                entry.at =
                    std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
                entry.wall = format_utc(std::chrono::system_clock::now());
                entry.kind = std::string(kHeartbeatErrorKind);
                entry.new_state = options.heartbeat->to_string();
                entry.error = send_error;
                add_entry(std::move(entry));
            });
        if (const auto start_error = heartbeat->start()) {
            record.heartbeat_failure =
                options.heartbeat->to_string() + ": " + start_error.describe();
            heartbeat.reset();
        }
    }

    asio::steady_timer end(io);
    end.expires_at(started + options.duration);
    end.async_wait([&io](const asio::error_code& ec) {
        if (!ec) io.stop();
    });
    // Ctrl-C and SIGTERM arrive as events on the loop: no timer wakes an idle watch. The set
    // takes the signals over from the process's handler, so the flag is read once after it is
    // in place: a signal that came before is not lost.
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&io, &record](const asio::error_code& ec, int) {
        if (ec) return;
        record.interrupted = true;
        io.stop();
    });
    if (options.interrupt != nullptr && options.interrupt->load()) record.interrupted = true;
    if (started_callback) started_callback(record);
    if (!record.interrupted) io.run();

    source->stop();
    if (heartbeat) {
        heartbeat->stop();
        record.heartbeat_sent = heartbeat->sent();
        record.heartbeat_failed = heartbeat->failed();
    }
    record.source = source->status();
    record.watched = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return record;
}

}  // namespace netdiag::watch
