#include "peer_protocol.hpp"

#include <fmt/format.h>

#include "core/ip_literal.hpp"

namespace netdiag::probes::udp_batch {
namespace {

std::string_view op_name(PeerOp op) {
    switch (op) {
        case PeerOp::hello:
            return "hello";
        case PeerOp::expect:
            return "expect";
        case PeerOp::report:
            return "report";
        case PeerOp::bye:
            return "bye";
        case PeerOp::mcast_listen:
            return "mcast_listen";
        case PeerOp::mcast_report:
            return "mcast_report";
        case PeerOp::mcast_send:
            return "mcast_send";
    }
    return "bye";
}

std::optional<nlohmann::json> parse_object(std::string_view line, std::string& error) {
    if (line.size() > kMaxLineBytes) {
        error = "line longer than " + std::to_string(kMaxLineBytes) + " bytes";
        return std::nullopt;
    }
    auto json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        error = "not a JSON object";
        return std::nullopt;
    }
    return json;
}

template <typename T>
bool read_unsigned(const nlohmann::json& json, const char* key, T& out, std::string& error) {
    const auto found = json.find(key);
    if (found == json.end() || !found->is_number_unsigned()) {
        error = std::string("missing or non-numeric \"") + key + "\"";
        return false;
    }
    out = found->get<T>();
    return true;
}

// An unsigned field that must lie in [low, high].
template <typename T>
bool read_bounded(const nlohmann::json& json, const char* key, std::uint64_t low,
                  std::uint64_t high, T& out, std::string& error) {
    std::uint64_t value = 0;
    if (!read_unsigned(json, key, value, error)) return false;
    if (value < low || value > high) {
        error = fmt::format("\"{}\" {} is outside {}..{}", key, value, low, high);
        return false;
    }
    out = static_cast<T>(value);
    return true;
}

// "group": an IPv4 multicast address (the two-host check is IPv4 only).
bool read_group(const nlohmann::json& json, std::string& out, std::string& error) {
    const auto found = json.find("group");
    if (found == json.end() || !found->is_string()) {
        error = "missing \"group\"";
        return false;
    }
    const auto text = found->get<std::string>();
    const auto address = parse_ip_literal(text);
    if (!address || !address->is_v4() || !address->is_multicast()) {
        error = "\"group\" is not an IPv4 multicast address";
        return false;
    }
    out = text;
    return true;
}

}  // namespace

std::string encode_request(const PeerRequest& request) {
    nlohmann::json json{{"op", op_name(request.op)}};
    switch (request.op) {
        case PeerOp::hello:
            json["version"] = request.version;
            break;
        case PeerOp::expect:
            json["stream"] = request.stream;
            json["count"] = request.count;
            break;
        case PeerOp::report:
            json["stream"] = request.stream;
            json["count"] = request.count;
            json["wait_ms"] = request.wait_ms;
            break;
        case PeerOp::bye:
            break;
        case PeerOp::mcast_listen:
            json["group"] = request.group;
            break;
        case PeerOp::mcast_report:
            json["token"] = request.stream;
            json["count"] = request.count;
            json["wait_ms"] = request.wait_ms;
            break;
        case PeerOp::mcast_send:
            json["group"] = request.group;
            json["port"] = request.port;
            json["token"] = request.stream;
            json["count"] = request.count;
            break;
    }
    return json.dump() + "\n";
}

std::optional<PeerRequest> parse_request(std::string_view line, std::string& error) {
    const auto json = parse_object(line, error);
    if (!json) return std::nullopt;
    const auto op = json->find("op");
    if (op == json->end() || !op->is_string()) {
        error = "missing \"op\"";
        return std::nullopt;
    }
    PeerRequest request;
    const auto name = op->get<std::string>();
    if (name == "hello") {
        request.op = PeerOp::hello;
        const auto version = json->find("version");
        if (version == json->end() || !version->is_number_integer()) {
            error = "hello without \"version\"";
            return std::nullopt;
        }
        request.version = version->get<int>();
    } else if (name == "expect" || name == "report") {
        request.op = name == "expect" ? PeerOp::expect : PeerOp::report;
        if (!read_unsigned(*json, "stream", request.stream, error) ||
            !read_unsigned(*json, "count", request.count, error)) {
            return std::nullopt;
        }
        if (request.op == PeerOp::report) {
            if (!read_unsigned(*json, "wait_ms", request.wait_ms, error)) return std::nullopt;
            request.wait_ms = std::min(request.wait_ms, kMaxReportWaitMs);
        }
    } else if (name == "bye") {
        request.op = PeerOp::bye;
    } else if (name == "mcast_listen") {
        request.op = PeerOp::mcast_listen;
        if (!read_group(*json, request.group, error)) return std::nullopt;
    } else if (name == "mcast_report") {
        request.op = PeerOp::mcast_report;
        if (!read_unsigned(*json, "token", request.stream, error) ||
            !read_bounded(*json, "count", 1, kMaxMulticastCount, request.count, error) ||
            !read_unsigned(*json, "wait_ms", request.wait_ms, error)) {
            return std::nullopt;
        }
        request.wait_ms = std::min(request.wait_ms, kMaxReportWaitMs);
    } else if (name == "mcast_send") {
        request.op = PeerOp::mcast_send;
        if (!read_group(*json, request.group, error) ||
            !read_bounded(*json, "port", 1, 65535, request.port, error) ||
            !read_unsigned(*json, "token", request.stream, error) ||
            !read_bounded(*json, "count", 1, kMaxMulticastCount, request.count, error)) {
            return std::nullopt;
        }
    } else {
        error = "unknown op \"" + name + "\"";
        return std::nullopt;
    }
    return request;
}

std::string encode_ok(nlohmann::json fields) {
    fields["ok"] = true;
    return fields.dump() + "\n";
}

std::string encode_error(std::string_view error) {
    return nlohmann::json{{"ok", false}, {"error", error}}.dump() + "\n";
}

std::optional<nlohmann::json> parse_response(std::string_view line, std::string& error) {
    auto json = parse_object(line, error);
    if (!json) return std::nullopt;
    const auto ok = json->find("ok");
    if (ok == json->end() || !ok->is_boolean()) {
        error = "response without \"ok\"";
        return std::nullopt;
    }
    if (!ok->get<bool>()) {
        const auto text = json->find("error");
        error =
            text != json->end() && text->is_string() ? text->get<std::string>() : "peer refused";
        return std::nullopt;
    }
    return json;
}

}  // namespace netdiag::probes::udp_batch
