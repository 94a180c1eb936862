#include "watch/watch_findings.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "platform/interface_names.hpp"
#include "probes/host/link_power_findings.hpp"

namespace netdiag::watch {
namespace {

// The host probe's link power judgement, which watch applies to the adapters it saw drop.
using probes::host::judge_link_power_after_drops;
using probes::host::kAspmActive;
using probes::host::kEeeActive;
using probes::host::kWindowsPowerOff;
using probes::host::RecordedDrops;

constexpr FindingFactory make_finding{"watch"};

const platform::NetInterface* host_interface(const platform::HostSnapshot& host,
                                             const std::string& name) {
    // Windows events name adapters by their alias.
    return platform::find_interface(host, name);
}

// "eth1 (USB, r8152, autosuspend on)": what the host probe knows that explains a drop.
std::string describe_interface(const std::string& name, const platform::NetInterface* i) {
    if (i == nullptr) return name;
    std::vector<std::string> facts;
    if (i->bus == "usb") facts.emplace_back("USB");
    if (!i->driver.empty()) facts.push_back(i->driver);
    if (i->usb_power_control == "auto") facts.emplace_back("autosuspend on");
    if (facts.empty()) return name;
    return fmt::format("{} ({})", name, fmt::join(facts, ", "));
}

void add_host_evidence(nlohmann::json& evidence, const platform::NetInterface* i) {
    evidence["driver"] = i != nullptr ? i->driver : "";
    evidence["bus"] = i != nullptr ? i->bus : "";
    evidence["usb_power_control"] = i != nullptr ? i->usb_power_control : "";
}

std::vector<std::string> drop_remedies(const std::string& name, const platform::NetInterface* i) {
    std::vector<std::string> remedy;
    if (i != nullptr && i->bus == "usb") {
        remedy.push_back(fmt::format(
            "Disable USB power management for the adapter: echo on | sudo tee "
            "/sys/class/net/{}/device/../power/control (Windows: Device Manager → adapter → "
            "Power Management → untick \"Allow the computer to turn off this device\")",
            name));
        remedy.emplace_back("Try another USB port or another dock; a powered hub or dock helps");
    }
    remedy.push_back(fmt::format("Update the driver{} and the dock's or adapter's firmware",
                                 i != nullptr && !i->driver.empty() ? " (" + i->driver + ")" : ""));
    remedy.emplace_back(
        "Test over another link (on-board Ethernet, Wi-Fi) and run `netdiag watch` again to "
        "confirm the adapter is the cause");
    return remedy;
}

nlohmann::json outage_lengths(const InterfaceDrops& d) {
    auto lengths = nlohmann::json::array();
    for (const auto& o : d.outages) {
        lengths.push_back(o.length ? nlohmann::json(static_cast<double>(o.length->count()) / 1000)
                                   : nlohmann::json(nullptr));
    }
    return lengths;
}

std::string outage_text(const InterfaceDrops& d) {
    if (!d.mean_outage_s) return "still down when the watch ended";
    return fmt::format("each outage {} on average", format_seconds(*d.mean_outage_s));
}

std::string heartbeat_text(const WatchFacts& facts) {
    if (facts.heartbeat_target.empty() || facts.heartbeat.during_outages == 0) return {};
    return fmt::format("; the UDP heartbeat saw {} during the outages",
                       fmt::join(facts.heartbeat.error_names, "/"));
}

Finding drop_finding(const InterfaceDrops& d, const WatchFacts& facts,
                     const platform::HostSnapshot& host) {
    const auto* iface = host_interface(host, d.interface_name);
    const auto who = describe_interface(d.interface_name, iface);
    const auto times =
        d.outages.size() == 1 ? std::string("once") : fmt::format("{} times", d.outages.size());
    const auto window = format_seconds(static_cast<double>(facts.watched.count()) / 1000);
    Finding f;
    if (d.periodic) {
        f = make_finding(
            kPeriodicDrops, Severity::error,
            fmt::format("{} went down {} in {}, every {} ± {}", d.interface_name, times, window,
                        format_seconds(d.mean_interval_s), format_jitter(d.jitter_s)));
        f.detail = fmt::format(
            "{} went down {} in {}, every {} ± {} (coefficient of variation {:.3f}, under the "
            "periodic threshold {}); {}{}. A link that drops on a schedule points to power "
            "management or a dock, not to the network",
            who, times, window, format_seconds(d.mean_interval_s), format_jitter(d.jitter_s), d.cv,
            kPeriodicMaxCv, outage_text(d), heartbeat_text(facts));
    } else {
        f = make_finding(kLinkDrops, Severity::warning,
                         fmt::format("{} went down {} in {}", d.interface_name, times, window));
        const auto why = d.intervals_s.size() < kPeriodicMinIntervals
                             ? fmt::format("too few drops to judge a period (needs {} intervals)",
                                           kPeriodicMinIntervals)
                             : fmt::format(
                                   "not periodic: the intervals vary (coefficient of "
                                   "variation {:.3f}, threshold {})",
                                   d.cv, kPeriodicMaxCv);
        f.detail = fmt::format("{} went down {} in {}; {}; {}{}", who, times, window, why,
                               outage_text(d), heartbeat_text(facts));
    }
    f.evidence = {{"interface", d.interface_name},
                  {"drops", d.outages.size()},
                  {"intervals_s", d.intervals_s},
                  {"outages_s", outage_lengths(d)},
                  {"periodic", d.periodic},
                  {"period_s", d.mean_interval_s},
                  {"jitter_s", d.jitter_s},
                  {"cv", d.cv},
                  {"cv_threshold", kPeriodicMaxCv},
                  {"watched_s", static_cast<double>(facts.watched.count()) / 1000}};
    if (d.mean_outage_s) f.evidence["mean_outage_s"] = *d.mean_outage_s;
    add_host_evidence(f.evidence, iface);
    f.remedy = drop_remedies(d.interface_name, iface);
    return f;
}

Finding address_finding(const std::string& interface_name, const std::vector<AddressLoss>& all) {
    std::vector<std::string> parts;
    auto addresses = nlohmann::json::array();
    for (const auto& loss : all) {
        if (loss.interface_name != interface_name) continue;
        parts.push_back(
            fmt::format("{} removed {}×, re-added {}×", loss.address, loss.removed, loss.re_added));
        addresses.push_back(
            {{"address", loss.address}, {"removed", loss.removed}, {"re_added", loss.re_added}});
    }
    auto f = make_finding(kAddressLost, Severity::warning,
                          fmt::format("{} lost {} during the watch", interface_name,
                                      parts.size() == 1 ? "an address" : "addresses"));
    f.detail = fmt::format(
        "{}: {}. A program that pinned one of these as its source address (IP_PKTINFO, a bound "
        "socket) fails every send while it is gone, and keeps failing if it comes back different",
        interface_name, fmt::join(parts, "; "));
    f.evidence = {{"interface", interface_name}, {"addresses", std::move(addresses)}};
    f.remedy = {
        "Let the program re-read its source address after a network change instead of "
        "pinning it once at start-up",
        "Find why the address goes away: a link drop (see the link findings), DHCP "
        "lease renewal, or a network manager re-configuring the interface"};
    return f;
}

Finding heartbeat_finding(const WatchFacts& facts) {
    const auto& h = facts.heartbeat;
    auto f = make_finding(
        kHeartbeatErrors, Severity::warning,
        fmt::format("UDP heartbeat to {}: {} sends failed", facts.heartbeat_target, h.total));
    f.detail = fmt::format("{} of {} failed sends fell in a link outage; errors: {}",
                           h.during_outages, h.total, fmt::join(h.error_names, ", "));
    f.evidence = {{"target", facts.heartbeat_target},
                  {"failed_sends", h.total},
                  {"during_outages", h.during_outages},
                  {"errors", h.error_names}};
    f.remedy = {
        "Read the timeline: each heartbeat_error sits next to the link event that caused "
        "it",
        "Programs that stream over this link must survive these errors (re-resolve the "
        "route and source address, retry) instead of giving up"};
    return f;
}

}  // namespace

std::vector<std::string_view> watch_finding_ids() {
    // The link power findings too: watch raises them for an adapter it saw drop.
    return {kPeriodicDrops, kLinkDrops,       kAddressLost, kHeartbeatErrors,
            kSourceLimited, kWindowsPowerOff, kEeeActive,   kAspmActive};
}

std::vector<Finding> judge_watch(const WatchFacts& facts, const platform::HostSnapshot& host) {
    std::vector<Finding> findings;
    for (const auto& d : facts.drops) findings.push_back(drop_finding(d, facts, host));
    // The power features of the adapters that dropped, with what was recorded: the host probe's
    // judgement, raised to an error when the drops were periodic.
    std::vector<RecordedDrops> recorded;
    for (const auto& d : facts.drops) {
        recorded.push_back({d.interface_name, d.outages.size(), d.periodic, d.mean_interval_s});
    }
    auto power = judge_link_power_after_drops(host, recorded, "watch");
    findings.insert(findings.end(), power.begin(), power.end());
    std::vector<std::string> lost_on;
    for (const auto& loss : facts.address_losses) {
        if (std::find(lost_on.begin(), lost_on.end(), loss.interface_name) == lost_on.end()) {
            lost_on.push_back(loss.interface_name);
        }
    }
    for (const auto& name : lost_on)
        findings.push_back(address_finding(name, facts.address_losses));
    if (facts.heartbeat.total > 0) findings.push_back(heartbeat_finding(facts));
    const auto& source = facts.source;
    const bool no_initial =
        source.initial_notification_seen.has_value() && !*source.initial_notification_seen;
    // Windows always reports how many notifications arrived; that alone is no limitation.
    const bool linux_notes = !source.initial_notification_seen && !source.notes.empty();
    if (no_initial || linux_notes) {
        auto f = make_finding(kSourceLimited, Severity::info,
                              "The OS's link events may be incomplete on this host");
        std::vector<std::string> notes = source.notes;
        if (no_initial) {
            const bool wine = host.facts.container == "wine";
            notes.insert(notes.begin(),
                         wine ? "this is Wine: NotifyIpInterfaceChange accepts the registration "
                                "and never calls back, so link changes cannot arrive"
                              : "the change notifications were registered but the OS never "
                                "delivered the initial notification it must send");
        }
        f.detail = fmt::format("{}: {}", source.mechanism, fmt::join(notes, "; "));
        f.evidence = {{"mechanism", source.mechanism}, {"notes", notes}};
        if (source.initial_notification_seen) {
            f.evidence["initial_notification_seen"] = *source.initial_notification_seen;
        }
        f.remedy = {
            "Treat \"no events\" from this watch as unproven; run netdiag watch on a real "
            "Windows or Linux host to record link drops"};
        findings.push_back(std::move(f));
    }
    return findings;
}

}  // namespace netdiag::watch
