#include "watch/drop_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "core/duration.hpp"

namespace netdiag::watch {
namespace {

bool is_link_kind(const std::string& kind) {
    return kind.rfind("link_", 0) == 0;
}

void judge_period(InterfaceDrops& drops) {
    const auto& gaps = drops.intervals_s;
    if (gaps.empty()) return;
    const double n = static_cast<double>(gaps.size());
    drops.mean_interval_s = std::accumulate(gaps.begin(), gaps.end(), 0.0) / n;
    if (gaps.size() >= 2) {
        double squares = 0;
        for (const double g : gaps)
            squares += (g - drops.mean_interval_s) * (g - drops.mean_interval_s);
        drops.jitter_s = std::sqrt(squares / (n - 1));
    }
    drops.cv = drops.mean_interval_s > 0 ? drops.jitter_s / drops.mean_interval_s : 0;
    drops.periodic = gaps.size() >= kPeriodicMinIntervals && drops.mean_interval_s > 0 &&
                     drops.cv < kPeriodicMaxCv;
}

}  // namespace

std::vector<InterfaceDrops> analyse_drops(const std::vector<TimelineEntry>& timeline) {
    std::vector<InterfaceDrops> result;
    std::map<std::string, std::size_t> slot;
    for (const auto& entry : timeline) {
        if (!is_link_kind(entry.kind)) continue;
        const bool leaves_up = entry.old_state == "up" && entry.new_state != "up";
        const bool returns_up = entry.new_state == "up" && entry.old_state != "up";
        auto it = slot.find(entry.interface_name);
        if (leaves_up) {
            if (it == slot.end()) {
                it = slot.emplace(entry.interface_name, result.size()).first;
                result.push_back({});
                result.back().interface_name = entry.interface_name;
            }
            auto& drops = result[it->second];
            if (!drops.outages.empty()) {
                drops.intervals_s.push_back(to_seconds(entry.at - drops.outages.back().start));
            }
            drops.outages.push_back({entry.at, std::nullopt, entry.new_state});
        } else if (returns_up && it != slot.end()) {
            auto& last = result[it->second].outages.back();
            if (!last.length) last.length = entry.at - last.start;
        }
    }
    for (auto& drops : result) {
        judge_period(drops);
        double total = 0;
        int ended = 0;
        for (const auto& o : drops.outages) {
            if (!o.length) continue;
            total += to_seconds(*o.length);
            ++ended;
        }
        if (ended > 0) drops.mean_outage_s = total / ended;
    }
    return result;
}

std::vector<AddressLoss> analyse_address_losses(const std::vector<TimelineEntry>& timeline) {
    std::vector<AddressLoss> losses;
    auto find = [&](const std::string& interface_name, const std::string& address) {
        return std::find_if(losses.begin(), losses.end(), [&](const AddressLoss& l) {
            return l.interface_name == interface_name && l.address == address;
        });
    };
    for (const auto& entry : timeline) {
        if (entry.kind == "address_removed") {
            auto it = find(entry.interface_name, entry.old_state);
            if (it == losses.end()) {
                losses.push_back({entry.interface_name, entry.old_state, 0, 0});
                it = losses.end() - 1;
            }
            ++it->removed;
        } else if (entry.kind == "address_added") {
            // Only a return counts: an address that was never removed is simply new.
            const auto it = find(entry.interface_name, entry.new_state);
            if (it != losses.end() && it->re_added < it->removed) ++it->re_added;
        }
    }
    return losses;
}

HeartbeatErrors analyse_heartbeat(const std::vector<TimelineEntry>& timeline,
                                  const std::vector<InterfaceDrops>& drops,
                                  std::chrono::milliseconds watched) {
    HeartbeatErrors result;
    auto in_outage = [&](std::chrono::milliseconds at) {
        for (const auto& d : drops) {
            for (const auto& o : d.outages) {
                const auto end = o.length ? o.start + *o.length : watched;
                if (at >= o.start && at <= end) return true;
            }
        }
        return false;
    };
    for (const auto& entry : timeline) {
        if (entry.kind != kHeartbeatErrorKind) continue;
        ++result.total;
        if (in_outage(entry.at)) ++result.during_outages;
        const auto& name = entry.error.native_name;
        if (std::find(result.error_names.begin(), result.error_names.end(), name) ==
            result.error_names.end()) {
            result.error_names.push_back(name);
        }
    }
    return result;
}

std::string format_jitter(double s) {
    if (s < 1) return fmt::format("{:.0f} ms", s * 1000);
    return format_seconds(s);
}

std::string format_seconds(double s) {
    if (s < 10) return fmt::format("{:.2f} s", s);
    if (s < 180) return fmt::format("{:.0f} s", s);
    if (s < 36000) return fmt::format("{:.1f} min", s / 60);
    return fmt::format("{:.1f} h", s / 3600);
}

}  // namespace netdiag::watch
