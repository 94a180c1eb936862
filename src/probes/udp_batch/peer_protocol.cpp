#include "peer_protocol.hpp"

namespace netdiag::udp_batch {
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
    }
    return "bye";
}

std::optional<nlohmann::json> parse_object(std::string_view line, std::string& error) {
    if (line.size() > max_line_bytes) {
        error = "line longer than " + std::to_string(max_line_bytes) + " bytes";
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
            request.wait_ms = std::min(request.wait_ms, max_report_wait_ms);
        }
    } else if (name == "bye") {
        request.op = PeerOp::bye;
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

}  // namespace netdiag::udp_batch
