// The measurements people alert on and graph, taken from each probe's `measurements` as the
// JSON report holds them (docs/probes/*.md). The report may come from a file (`render`), so
// every field is checked for its type and a missing one leaves its series out.
#include <map>
#include <set>
#include <utility>

#include "report/report_metrics.hpp"

namespace netdiag {
namespace {

using metrics::Family;
using nlohmann::json;

const json* field(const json& object, const char* key) {
    if (!object.is_object()) return nullptr;
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

std::optional<double> number(const json& object, const char* key) {
    const auto* value = field(object, key);
    if (value == nullptr || !value->is_number()) return std::nullopt;
    return value->get<double>();
}

std::optional<std::string> text(const json& object, const char* key) {
    const auto* value = field(object, key);
    if (value == nullptr || !value->is_string()) return std::nullopt;
    return value->get<std::string>();
}

std::optional<bool> flag(const json& object, const char* key) {
    const auto* value = field(object, key);
    if (value == nullptr || !value->is_boolean()) return std::nullopt;
    return value->get<bool>();
}

// The elements of an array field that are objects.
std::vector<const json*> objects(const json& object, const char* key) {
    std::vector<const json*> out;
    const auto* value = field(object, key);
    if (value == nullptr || !value->is_array()) return out;
    for (const auto& element : *value) {
        if (element.is_object()) out.push_back(&element);
    }
    return out;
}

// udp-batch: throughput of each send path, the figure that falls when a batched path breaks.
std::vector<Family> udp_batch(const json& m) {
    Family rate{"netdiag_udp_batch_datagrams_per_second",
                "Datagrams per second each send path reached in the throughput trial.",
                {}};
    Family ratio{"netdiag_udp_batch_ratio_to_unbatched_ratio",
                 "Throughput of each send path divided by the unbatched path's.",
                 {}};
    for (const auto* path : objects(m, "paths")) {
        const auto name = text(*path, "path");
        const auto* throughput = field(*path, "throughput");
        if (!name || throughput == nullptr) continue;
        if (const auto v = number(*throughput, "datagrams_per_second")) {
            rate.samples.push_back({{{"path", *name}}, *v});
        }
        if (const auto v = number(*throughput, "ratio_to_unbatched")) {
            ratio.samples.push_back({{{"path", *name}}, *v});
        }
    }
    return {std::move(rate), std::move(ratio)};
}

// shared-accept: how evenly each accept pattern spread the connections over its workers.
std::vector<Family> shared_accept(const json& m) {
    Family jain{"netdiag_shared_accept_jain_index_ratio",
                "Jain's fairness index of connections per worker for each accept pattern "
                "(1 even, 1/N one worker served all).",
                {}};
    Family failed{"netdiag_shared_accept_failed_connections",
                  "Connections of each accept pattern that no worker served.",
                  {}};
    for (const auto* pattern : objects(m, "patterns")) {
        const auto id = text(*pattern, "id");
        if (!id) continue;
        // A pattern that was not driven has no distribution to judge.
        if (flag(*pattern, "driven") == false) continue;
        if (const auto v = number(*pattern, "jain_index")) {
            jain.samples.push_back({{{"pattern", *id}}, *v});
        }
        if (const auto v = number(*pattern, "failed")) {
            failed.samples.push_back({{{"pattern", *id}}, *v});
        }
    }
    return {std::move(jain), std::move(failed)};
}

// The multicast probe writes why it skipped an interface ("no IPv4 address"), empty when it
// tried it; a skipped interface has no verdict to expose.
bool skipped(const json& row) {
    const auto* value = field(row, "skipped");
    if (value == nullptr) return false;
    if (value->is_string()) return !value->get_ref<const std::string&>().empty();
    return value->is_boolean() && value->get<bool>();
}

// multicast: per interface, whether the group join worked and the test datagram came back.
std::vector<Family> multicast(const json& m) {
    Family joined{"netdiag_multicast_joined",
                  "1 when the multicast group join worked on the interface, else 0.",
                  {}};
    Family looped{"netdiag_multicast_looped_back",
                  "1 when the test datagram sent to the group came back on the interface, "
                  "else 0.",
                  {}};
    for (const auto* row : objects(m, "interfaces")) {
        const auto name = text(*row, "name");
        if (!name || skipped(*row)) continue;
        if (const auto v = flag(*row, "joined")) {
            joined.samples.push_back({{{"interface", *name}}, *v ? 1.0 : 0.0});
        }
        if (const auto v = flag(*row, "looped_back")) {
            looped.samples.push_back({{{"interface", *name}}, *v ? 1.0 : 0.0});
        }
    }
    return {std::move(joined), std::move(looped)};
}

// spice: channels (type, id) a server announced again while the client had them, counted the
// way the probe judges ND-SPICE-001: every announcement after the first of a pair.
std::vector<Family> spice(const json& m) {
    Family duplicates{"netdiag_spice_duplicate_channels",
                      "Channels the SPICE server announced again while the client had them "
                      "(ND-SPICE-001).",
                      {}};
    for (const auto* target : objects(m, "targets")) {
        const auto name = text(*target, "target");
        const auto lists = objects(*target, "lists");
        if (!name || lists.empty()) continue;  // never got a channel list: nothing to count
        std::map<std::pair<double, double>, int> announced;
        for (const auto* list : lists) {
            const auto* channels = field(*list, "channels");
            if (channels == nullptr || !channels->is_array()) continue;
            for (const auto& c : *channels) {
                if (c.is_array() && c.size() == 2 && c[0].is_number() && c[1].is_number()) {
                    ++announced[{c[0].get<double>(), c[1].get<double>()}];
                }
            }
        }
        int repeated = 0;
        for (const auto& [channel, n] : announced) repeated += n > 1 ? 1 : 0;
        duplicates.samples.push_back({{{"target", *name}}, static_cast<double>(repeated)});
    }
    return {std::move(duplicates)};
}

// watch: drops per interface over the watched time, and the period when they are periodic.
std::vector<Family> watch(const json& m) {
    Family watched{"netdiag_watch_watched_seconds", "How long netdiag watch watched.", {}};
    if (const auto ms = number(m, "watched_ms")) watched.samples.push_back({{}, *ms / 1000.0});
    Family drops{"netdiag_watch_link_drops", "Times each interface's link went down.", {}};
    Family period{"netdiag_watch_drop_period_seconds",
                  "Mean time between drops of an interface whose drops are periodic.",
                  {}};
    std::set<std::string> with_drops;
    for (const auto* d : objects(m, "drops")) {
        const auto name = text(*d, "interface");
        const auto n = number(*d, "drops");
        if (!name || !n) continue;
        with_drops.insert(*name);
        drops.samples.push_back({{{"interface", *name}}, *n});
        const auto p = number(*d, "period_s");
        if (flag(*d, "periodic") == true && p)
            period.samples.push_back({{{"interface", *name}}, *p});
    }
    // Interfaces watched without a drop: 0, so a dashboard shows them and alerts can resolve.
    for (const auto* i : objects(m, "interfaces")) {
        const auto name = text(*i, "interface");
        if (name && with_drops.count(*name) == 0) {
            drops.samples.push_back({{{"interface", *name}}, 0});
        }
    }
    Family heartbeat{"netdiag_watch_heartbeat_failures",
                     "Heartbeat datagrams whose send failed during the watch.",
                     {}};
    if (const auto* h = field(m, "heartbeat")) {
        if (const auto failed = number(*h, "failed")) heartbeat.samples.push_back({{}, *failed});
    }
    return {std::move(watched), std::move(drops), std::move(period), std::move(heartbeat)};
}

using Extractor = std::vector<Family> (*)(const json&);

// The probes whose measurements become series, in the order their families are written.
constexpr std::pair<std::string_view, Extractor> kExtractors[] = {{"udp-batch", &udp_batch},
                                                                  {"shared-accept", &shared_accept},
                                                                  {"multicast", &multicast},
                                                                  {"spice", &spice},
                                                                  {"watch", &watch}};

}  // namespace

std::vector<Family> measurement_metric_families(const Report& report) {
    std::vector<Family> out;
    for (const auto& [probe_id, extract] : kExtractors) {
        // Families of one name must stay together: gather every result of this probe first.
        std::vector<Family> merged;
        for (const auto& probe : report.probes) {
            if (probe.probe != probe_id) continue;
            auto families = extract(probe.measurements);
            if (merged.empty()) {
                merged = std::move(families);
                continue;
            }
            for (size_t i = 0; i < families.size(); ++i) {
                auto& samples = merged[i].samples;
                samples.insert(samples.end(), families[i].samples.begin(),
                               families[i].samples.end());
            }
        }
        std::move(merged.begin(), merged.end(), std::back_inserter(out));
    }
    return out;
}

}  // namespace netdiag
