// The pipe protocol between an accept worker process and its group: one JSON object per line.
// Pure code, built on every OS.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "netdiag/platform.hpp"
#include "netdiag/shared_accept.hpp"

namespace netdiag::platform::accept {
namespace {

std::string_view type_name(WorkerMessage::Type type) {
    switch (type) {
        case WorkerMessage::Type::ready:
            return "ready";
        case WorkerMessage::Type::failure:
            return "failure";
        case WorkerMessage::Type::summary:
            return "summary";
    }
    return "ready";
}

}  // namespace

std::string_view to_string(WorkerEnd end) {
    switch (end) {
        case WorkerEnd::running:
            return "running";
        case WorkerEnd::exited:
            return "exited";
        case WorkerEnd::exited_early:
            return "exited-early";
        case WorkerEnd::crashed:
            return "crashed";
        case WorkerEnd::killed:
            return "killed";
        case WorkerEnd::never_started:
            return "never-started";
    }
    return "running";
}

std::string encode_worker_message(const WorkerMessage& message) {
    nlohmann::json j{{"type", type_name(message.type)}, {"worker", message.worker}};
    switch (message.type) {
        case WorkerMessage::Type::ready:
            j["pid"] = message.pid;
            break;
        case WorkerMessage::Type::failure:
            j["step"] = message.failure.step;
            j["native"] = message.failure.error.native;
            j["name"] = message.failure.error.native_name;
            j["message"] = message.failure.error.message;
            j["count"] = message.failure.count;
            break;
        case WorkerMessage::Type::summary:
            j["accepted"] = message.accepted;
            j["spurious_wakeups"] = message.spurious_wakeups;
            break;
    }
    // Replace invalid UTF-8 (an OS message in a legacy code page) rather than throw.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<WorkerMessage> decode_worker_message(std::string_view line) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("type") || !j["type"].is_string() || !j.contains("worker") ||
        !j["worker"].is_number_unsigned()) {
        return std::nullopt;
    }
    WorkerMessage message;
    message.worker = j["worker"].get<unsigned>();
    const auto type = j["type"].get<std::string>();
    try {
        if (type == "ready") {
            message.type = WorkerMessage::Type::ready;
            message.pid = j.value("pid", std::int64_t{0});
        } else if (type == "failure") {
            message.type = WorkerMessage::Type::failure;
            message.failure.step = j.at("step").get<std::string>();
            const int native = j.at("native").get<int>();
            // The portable code is this OS's mapping of the number; the name and text are
            // what the worker saw.
            message.failure.error = describe_native_error(native);
            message.failure.error.native_name = j.value("name", message.failure.error.native_name);
            message.failure.error.message = j.value("message", message.failure.error.message);
            message.failure.count = j.value("count", std::uint64_t{1});
        } else if (type == "summary") {
            message.type = WorkerMessage::Type::summary;
            message.accepted = j.at("accepted").get<std::uint64_t>();
            message.spurious_wakeups = j.value("spurious_wakeups", std::uint64_t{0});
        } else {
            return std::nullopt;
        }
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
    return message;
}

void WorkerLines::append(std::string_view bytes) {
    pending_.append(bytes);
}

std::optional<std::string> WorkerLines::next() {
    const auto newline = pending_.find('\n');
    if (newline == std::string::npos) return std::nullopt;
    auto line = pending_.substr(0, newline);
    pending_.erase(0, newline + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

void apply_worker_message(WorkerResult& result, const WorkerMessage& message) {
    switch (message.type) {
        case WorkerMessage::Type::ready:
            result.ready = true;
            break;
        case WorkerMessage::Type::failure: {
            for (auto& known : result.failures) {
                if (known.step == message.failure.step &&
                    known.error.native == message.failure.error.native) {
                    known.count = std::max(known.count, message.failure.count);
                    return;
                }
            }
            result.failures.push_back(message.failure);
            break;
        }
        case WorkerMessage::Type::summary:
            result.summary_received = true;
            result.accepted = message.accepted;
            result.spurious_wakeups = message.spurious_wakeups;
            break;
    }
}

void add_failure(std::vector<WorkerFailure>& list, const WorkerFailure& failure) {
    for (auto& known : list) {
        if (known.step == failure.step && known.error.native == failure.error.native) {
            known.count += failure.count;
            return;
        }
    }
    list.push_back(failure);
}

}  // namespace netdiag::platform::accept
