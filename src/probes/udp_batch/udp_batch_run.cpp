#include "udp_batch_run.hpp"

#include <fmt/format.h>

namespace netdiag::probes::udp_batch {

std::string_view to_string(Verification verification) {
    switch (verification) {
        case Verification::loopback:
            return "loopback";
        case Verification::peer:
            return "peer";
        case Verification::none:
            return "none";
    }
    return "unknown";
}

nlohmann::json to_json(const platform::udp::SendOutcome& outcome) {
    nlohmann::json json{{"status", platform::udp::to_string(outcome.status)},
                        {"datagrams", outcome.datagrams},
                        {"bytes", outcome.bytes},
                        {"syscalls", outcome.syscalls}};
    if (outcome.retries > 0) json["retries"] = outcome.retries;
    if (outcome.error) {
        json["error"] = outcome.error.to_evidence();
        json["failed_call"] = outcome.failed_call;
    }
    return json;
}

nlohmann::json to_json(const Throughput& t) {
    nlohmann::json json{{"seconds", t.seconds},
                        {"datagrams", t.datagrams},
                        {"bytes", t.bytes},
                        {"syscalls", t.syscalls},
                        {"cpu_seconds", t.cpu_seconds},
                        {"datagrams_per_second", t.datagrams_per_second()},
                        {"gbit_per_second", t.gbit_per_second()}};
    if (!t.sender.empty()) json["sender"] = t.sender;
    if (t.retries > 0) json["retries"] = t.retries;
    if (t.received) json["received"] = *t.received;
    if (t.stopped_early) json["stopped_by"] = to_json(t.stopped_by);
    if (t.interrupted) json["interrupted"] = true;
    return json;
}

namespace {

nlohmann::json route_json(const RouteInfo& route) {
    nlohmann::json json{{"destination", route.destination.to_string()},
                        {"verification", to_string(route.verification)},
                        {"stale_source_tried", route.stale_source}};
    if (route.source) json["source"] = *route.source;
    if (route.mtu) json["mtu"] = *route.mtu;
    if (!route.interface_name.empty()) json["interface"] = route.interface_name;
    if (!route.interface_bus.empty()) json["interface_bus"] = route.interface_bus;
    if (!route.interface_driver.empty()) json["interface_driver"] = route.interface_driver;
    if (route.error) json["error"] = route.error.to_evidence();
    return json;
}

nlohmann::json limits_json(const SendLimits& limits) {
    nlohmann::json json{{"segmentation_option_known", limits.segmentation_known}};
    if (limits.query_error) json["query_error"] = limits.query_error.to_evidence();
    if (limits.max_segments) json["max_segments_per_call"] = *limits.max_segments;
    if (limits.over_segments_error)
        json["over_segments_error"] = limits.over_segments_error.to_evidence();
    if (limits.max_bytes) json["max_bytes_per_call"] = *limits.max_bytes;
    if (limits.over_bytes_error) json["over_bytes_error"] = limits.over_bytes_error.to_evidence();
    return json;
}

}  // namespace

std::string measured_path_text(const UdpBatchRun& run) {
    switch (run.route.verification) {
        case Verification::peer:
            return "measured through the network to netdiag peer at " +
                   run.route.destination.to_string();
        case Verification::none:
            return "sends through the route to " + run.route.destination.address +
                   " checked (accepted or refused), delivery not verified";
        case Verification::loopback:
            break;
    }
    std::string interfaces;
    for (const auto& path : run.egress) {
        if (path.facts.interface_name.empty()) continue;
        if (interfaces.find(path.facts.interface_name) != std::string::npos) continue;
        interfaces += (interfaces.empty() ? "" : ", ") + path.facts.interface_name;
    }
    if (interfaces.empty()) {
        return "measured on loopback only (no default route to judge)";
    }
    return "measured on loopback only; " + interfaces +
           " judged from its facts, not measured: to measure it run `netdiag peer` on a host "
           "behind it and `netdiag probe udp-batch --peer HOST:47100` here (or `--udp-target "
           "HOST` to check that the sends are accepted)";
}

nlohmann::json measurements_json(const UdpBatchRun& run) {
    nlohmann::json paths = nlohmann::json::array();
    const Throughput* unbatched = nullptr;
    for (const auto& trial : run.trials) {
        if (trial.path == platform::udp::SendPath::per_datagram && trial.throughput) {
            unbatched = &*trial.throughput;
        }
    }
    for (const auto& trial : run.trials) {
        nlohmann::json path{{"path", platform::udp::to_string(trial.path)},
                            {"call", platform::udp::native_call(trial.path)},
                            {"plain", to_json(trial.plain)}};
        if (trial.plain.status == platform::udp::SendStatus::unsupported) {
            paths.push_back(path);
            continue;
        }
        path["pinned_source"] = to_json(trial.pinned);
        path["stale_source"] = to_json(trial.stale);
        if (trial.plain_delivery) path["plain_delivery"] = to_json(*trial.plain_delivery);
        if (trial.pinned_delivery) path["pinned_delivery"] = to_json(*trial.pinned_delivery);
        if (trial.throughput) {
            path["throughput"] = to_json(*trial.throughput);
            if (unbatched != nullptr && unbatched->datagrams_per_second() > 0 &&
                platform::udp::is_batched(trial.path)) {
                path["throughput"]["ratio_to_unbatched"] =
                    trial.throughput->datagrams_per_second() / unbatched->datagrams_per_second();
            }
        }
        paths.push_back(path);
    }
    nlohmann::json json{{"datagram_size", run.datagram_size},
                        {"batch", run.batch},
                        {"route", route_json(run.route)},
                        {"limits", limits_json(run.limits)},
                        {"paths", paths}};
    // One-line facts for the text report, which shows scalar measurements only.
    std::string summary;
    for (const auto& trial : run.trials) {
        if (!summary.empty()) summary += "; ";
        summary += std::string(platform::udp::to_string(trial.path)) + " " +
                   std::string(platform::udp::to_string(trial.plain.status));
        if (trial.throughput && trial.throughput->seconds > 0) {
            summary += fmt::format(" {:.0f} datagrams/s {:.2f} Gbit/s",
                                   trial.throughput->datagrams_per_second(),
                                   trial.throughput->gbit_per_second());
            if (unbatched != nullptr && unbatched->datagrams_per_second() > 0 &&
                platform::udp::is_batched(trial.path)) {
                summary += fmt::format(" ({:.2f}x)", trial.throughput->datagrams_per_second() /
                                                         unbatched->datagrams_per_second());
            }
        }
    }
    json["summary"] = summary;
    json["measured_path"] = measured_path_text(run);
    if (!run.kernel.empty()) json["kernel"] = run.kernel;
    if (!run.egress.empty()) {
        auto egress = nlohmann::json::array();
        std::string egress_summary;
        for (const auto& path : run.egress) {
            egress.push_back(to_json(path));
            if (!egress_summary.empty()) egress_summary += "; ";
            egress_summary += summary_line(path, run.datagram_size);
        }
        json["egress"] = egress;
        json["egress_summary"] = egress_summary;
    }
    json["destination"] = run.route.destination.to_string();
    if (run.limits.max_segments) json["max_segments_per_call"] = *run.limits.max_segments;
    if (run.route.mtu) json["route_mtu"] = *run.route.mtu;
    if (run.source_owned_at_end) json["source_owned_at_end"] = *run.source_owned_at_end;
    if (!run.peer_error.empty()) json["peer_error"] = run.peer_error;
    json["receive"] = to_json(run.receive);
    json["receive_summary"] = receive_summary(run.receive);
    return json;
}

}  // namespace netdiag::probes::udp_batch
