#include "core/duration.hpp"

#include <charconv>

#include <fmt/format.h>

namespace netdiag {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    double value = 0;
    // from_chars for double is in libstdc++ 11+; it rejects signs other than '-', which we
    // refuse below anyway.
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end == text.data() || value < 0) return std::nullopt;
    const std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
    double scale = 0;
    if (unit.empty() || unit == "s") {
        scale = 1000;
    } else if (unit == "ms") {
        scale = 1;
    } else if (unit == "m" || unit == "min") {
        scale = 60'000;
    } else if (unit == "h") {
        scale = 3'600'000;
    } else {
        return std::nullopt;
    }
    const double ms = value * scale;
    if (ms > 1e12) return std::nullopt;  // over 30 years: surely a typo
    return std::chrono::milliseconds(static_cast<long long>(ms + 0.5));
}

std::string format_utc(std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    const auto ms = time_point_cast<milliseconds>(time);
    const auto day = floor<days>(ms);
    const year_month_day date{day};
    const hh_mm_ss clock{ms - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(date.year()),
                       static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                       clock.hours().count(), clock.minutes().count(), clock.seconds().count(),
                       clock.subseconds().count());
}

}  // namespace netdiag
