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

std::string duration_error(std::string_view text, std::chrono::milliseconds minimum) {
    const auto duration = parse_duration(text);
    if (!duration) return fmt::format("invalid duration '{}' (examples: 250ms, 5s, 2m)", text);
    if (*duration < minimum) return fmt::format("must be at least {}", duration_text(minimum));
    return {};
}

std::string duration_text(std::chrono::milliseconds duration) {
    if (duration.count() != 0 && duration.count() % 1000 == 0) {
        return fmt::format("{}s", duration.count() / 1000);
    }
    return fmt::format("{}ms", duration.count());
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

std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text) {
    using namespace std::chrono;
    // YYYY-MM-DDTHH:MM:SS, at fixed offsets.
    if (text.size() < 20 || text.back() != 'Z') return std::nullopt;
    auto number = [&](size_t at, size_t digits) -> std::optional<int> {
        int value = 0;
        const auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + digits, value);
        if (ec != std::errc{} || end != text.data() + at + digits) return std::nullopt;
        return value;
    };
    const auto y = number(0, 4), mo = number(5, 2), d = number(8, 2);
    const auto h = number(11, 2), mi = number(14, 2), s = number(17, 2);
    if (!y || !mo || !d || !h || !mi || !s || text[4] != '-' || text[7] != '-' ||
        (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
        return std::nullopt;
    }
    const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)},
                              day{static_cast<unsigned>(*d)}};
    if (!date.ok() || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
    nanoseconds fraction{0};
    const auto rest = text.substr(19, text.size() - 20);  // between the seconds and the Z
    if (!rest.empty()) {
        if (rest.front() != '.' || rest.size() < 2 || rest.size() > 10) return std::nullopt;
        long long value = 0;
        for (const char c : rest.substr(1)) {
            if (c < '0' || c > '9') return std::nullopt;
            value = value * 10 + (c - '0');
        }
        for (size_t i = rest.size() - 1; i < 9; ++i) value *= 10;
        fraction = nanoseconds(value);
    }
    const auto time = sys_days{date} + hours{*h} + minutes{*mi} + seconds{*s} + fraction;
    return time_point_cast<system_clock::duration>(time);
}

}  // namespace netdiag
