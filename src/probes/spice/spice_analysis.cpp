#include "probes/spice/spice_analysis.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "probes/spice/spice_failure_findings.hpp"
#include "probes/spice/spice_findings.hpp"

namespace netdiag::probes::spice {
namespace {

namespace sp = netdiag::proto::spice;

std::string channel_label(const sp::ChannelId& c) {
    const auto name = sp::channel_type_name(c.type);
    return fmt::format("{} ({}, {})", name.empty() ? "UNKNOWN" : name, c.type, c.id);
}

std::string times(int n) {
    switch (n) {
        case 2:
            return "twice";
        case 3:
            return "three times";
        default:
            return fmt::format("{} times", n);
    }
}

std::string list_label(int index) {
    return index == 0 ? "the first channel list" : fmt::format("channel list #{}", index + 1);
}

bool is_audio(const sp::ChannelId& c) {
    return c.type == static_cast<std::uint8_t>(sp::ChannelType::playback) ||
           c.type == static_cast<std::uint8_t>(sp::ChannelType::record);
}

Finding duplicate_finding(const SpiceObservation& o, const DuplicateChannel& d) {
    auto f = make_spice_finding(finding_id::kDuplicateChannel, Severity::error,
                                fmt::format("SPICE server at {} lists {} {}", o.target,
                                            channel_label(d.channel), times(d.announcements)));
    const bool same_list = d.first_list == d.again_list;
    f.detail = same_list ? fmt::format("{} holds {} more than once.", list_label(d.first_list),
                                       channel_label(d.channel))
                         : fmt::format(
                               "{} came in {} at {} ms and was announced again in {} at {} ms "
                               "while the client still had it.",
                               channel_label(d.channel), list_label(d.first_list),
                               d.first_at.count(), list_label(d.again_list), d.again_at.count());
    f.detail +=
        " A client that follows the protocol refuses a second connection to a channel it "
        "already has and may drop the whole session.";
    if (is_audio(d.channel)) {
        f.detail +=
            " This is the QEMU 9.1.1 bug: its HDA audio change re-registers the SPICE audio "
            "channel each time the guest starts audio (QEMU issue 2639); 9.1.2 fixed it and "
            "9.1.0 is not affected.";
        f.remedy = {
            "Upgrade QEMU to 9.1.2 or later (check with `qemu-system-x86_64 --version`; on "
            "libvirt hosts `virsh version`).",
            "Or downgrade QEMU to 9.1.0, which is not affected.",
            "Or disable the guest's audio device until QEMU is upgraded (remove `-device "
            "intel-hda`/`hda-duplex` and the SPICE `-audiodev`, or `<sound>` in the libvirt "
            "domain XML).",
            fmt::format("Confirm the fix with `netdiag probe spice --spice {} --spice-watch 30s "
                        "--timeout 40s` while the guest plays audio.",
                        o.target)};
    } else {
        f.remedy = {
            "Update the SPICE server (QEMU / spice-server) and check its release notes for "
            "channel registration fixes.",
            fmt::format("Attach `netdiag probe spice --spice {} --format json` output to a bug "
                        "report for the server.",
                        o.target)};
    }
    f.evidence = {{"target", o.target},
                  {"channel_type", d.channel.type},
                  {"channel_name", std::string(sp::channel_type_name(d.channel.type))},
                  {"channel_id", d.channel.id},
                  {"announcements", d.announcements},
                  {"same_list", same_list},
                  {"first_list", d.first_list},
                  {"first_at_ms", d.first_at.count()},
                  {"again_list", d.again_list},
                  {"again_at_ms", d.again_at.count()}};
    return f;
}

Finding unknown_type_finding(const SpiceObservation& o, const std::vector<sp::ChannelId>& unknown) {
    auto f = make_spice_finding(
        finding_id::kUnknownChannelType, Severity::info,
        fmt::format("SPICE server at {} lists channel types netdiag does not know", o.target));
    std::string list;
    auto types = nlohmann::json::array();
    for (const auto& c : unknown) {
        list += (list.empty() ? "" : ", ") + fmt::format("({}, {})", c.type, c.id);
        types.push_back({{"type", c.type}, {"id", c.id}});
    }
    f.detail = fmt::format(
        "Channel types 1 to 11 are defined by the SPICE protocol; the server also lists {}. "
        "Clients usually ignore such channels; a newer server or an extension may define them.",
        list);
    f.evidence = {{"target", o.target}, {"channels", types}};
    f.remedy = {
        "Nothing to do unless a client fails on these channels; if one does, compare its "
        "SPICE protocol version with the server's."};
    return f;
}

nlohmann::json measurement_of(const SpiceObservation& o) {
    nlohmann::json m = {{"target", o.target},
                        {"endpoint", o.endpoint},
                        {"stage_reached", stage_name(o.stage)},
                        {"failure", failure_name(o.failure)},
                        {"connect_ms", o.connected_at.count()},
                        {"link_ms", o.linked_at.count()},
                        {"messages", o.messages},
                        {"pings_answered", o.pings_answered},
                        {"lists_received", o.lists.size()},
                        {"watch_asked_ms", o.watch_asked.count()},
                        {"watched_ms", o.watched.count()},
                        {"watch_cut_by_deadline", o.watch_cut_by_deadline}};
    if (o.server_major) {
        m["protocol"] = fmt::format("{}.{}", *o.server_major, o.server_minor.value_or(0));
    }
    if (o.link_error) m["link_error"] = sp::link_error_name(*o.link_error);
    if (o.link_result) m["link_result"] = sp::link_error_name(*o.link_result);
    m["common_caps"] = sp::common_cap_names(o.server_common_caps);
    m["main_caps"] = sp::main_cap_names(o.server_channel_caps);
    m["mini_header"] = o.mini_header;
    if (o.main_init) {
        m["session_id"] = o.main_init->session_id;
        m["display_channels_hint"] = o.main_init->display_channels_hint;
        m["agent_connected"] = o.main_init->agent_connected != 0;
    }
    auto lists = nlohmann::json::array();
    for (const auto& l : o.lists) {
        auto channels = nlohmann::json::array();
        for (const auto& c : l.channels) channels.push_back({c.type, c.id});
        lists.push_back({{"index", l.index}, {"at_ms", l.at.count()}, {"channels", channels}});
    }
    m["lists"] = lists;
    if (o.disconnecting) m["disconnecting_reason"] = sp::link_error_name(o.disconnecting->reason);
    auto notes = nlohmann::json::array();
    for (const auto& n : o.notifications) {
        notes.push_back({{"severity", n.severity}, {"what", n.what}, {"message", n.message}});
    }
    m["notifications"] = notes;
    return m;
}

// One row per distinct (type, id), in order of first announcement.
nlohmann::json table_of(const SpiceObservation& o) {
    std::map<std::pair<int, int>, std::pair<int, std::int64_t>> seen;  // count, first ms
    std::vector<sp::ChannelId> order;
    for (const auto& l : o.lists) {
        for (const auto& c : l.channels) {
            auto& entry = seen[{c.type, c.id}];
            if (entry.first++ == 0) {
                entry.second = l.at.count();
                order.push_back(c);
            }
        }
    }
    nlohmann::json table = {
        {"title",
         fmt::format(
             "{}{}: SPICE {}, {}, {} list(s), watched {} ms{}", o.target,
             o.endpoint.empty() || o.endpoint == o.target ? "" : " (" + o.endpoint + ")",
             o.server_major ? fmt::format("{}.{}", *o.server_major, o.server_minor.value_or(0))
                            : "unknown",
             o.mini_header ? "mini header" : "full header", o.lists.size(), o.watched.count(),
             o.watch_cut_by_deadline ? " (cut short by the probe deadline: raise --timeout)" : "")},
        {"columns", {"channel", "type", "id", "announced", "first seen ms"}},
        {"rows", nlohmann::json::array()}};
    for (const auto& c : order) {
        const auto& [count, first] = seen[{c.type, c.id}];
        const auto name = sp::channel_type_name(c.type);
        table["rows"].push_back(
            {name.empty() ? "UNKNOWN" : std::string(name), c.type, c.id, count, first});
    }
    return table;
}

}  // namespace

std::vector<DuplicateChannel> find_duplicate_channels(const std::vector<ChannelList>& lists) {
    std::map<std::pair<int, int>, DuplicateChannel> known;
    std::vector<std::pair<int, int>> repeated;  // in order of first repeat
    for (const auto& l : lists) {
        for (const auto& c : l.channels) {
            const std::pair<int, int> key{c.type, c.id};
            auto [it, inserted] = known.try_emplace(key);
            auto& d = it->second;
            if (inserted) {
                d.channel = c;
                d.first_list = l.index;
                d.first_at = l.at;
            } else if (d.announcements == 1) {
                d.again_list = l.index;
                d.again_at = l.at;
                repeated.push_back(key);
            }
            ++d.announcements;
        }
    }
    std::vector<DuplicateChannel> out;
    for (const auto& key : repeated) out.push_back(known[key]);
    return out;
}

TargetAnalysis analyse(const SpiceObservation& o) {
    TargetAnalysis a;
    for (const auto& d : find_duplicate_channels(o.lists)) {
        a.findings.push_back(duplicate_finding(o, d));
    }
    std::vector<sp::ChannelId> unknown;
    std::set<std::pair<int, int>> unknown_seen;
    for (const auto& l : o.lists) {
        for (const auto& c : l.channels) {
            if (!sp::is_known_channel_type(c.type) && unknown_seen.insert({c.type, c.id}).second) {
                unknown.push_back(c);
            }
        }
    }
    if (!unknown.empty()) a.findings.push_back(unknown_type_finding(o, unknown));
    if (auto f = failure_finding(o)) a.findings.push_back(std::move(*f));
    a.measurement = measurement_of(o);
    a.table = table_of(o);
    return a;
}

}  // namespace netdiag::probes::spice
