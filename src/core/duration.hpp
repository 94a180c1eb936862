// Durations on the command line: "250ms", "5s", "2m", "1h", or a bare number of seconds.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace netdiag {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
// The one check every duration option uses: empty when `text` is a duration of at least
// `minimum`, else the message ("invalid duration '1x' (examples: 250ms, 5s, 2m)").
std::string duration_error(std::string_view text,
                           std::chrono::milliseconds minimum = std::chrono::milliseconds{0});
// A duration as a user would type it: "800ms", "2s".
std::string duration_text(std::chrono::milliseconds duration);
// A duration as fractional seconds, the unit reports and metrics use.
inline double to_seconds(std::chrono::milliseconds duration) {
    return static_cast<double>(duration.count()) / 1000.0;
}
// UTC time as RFC 3339 with milliseconds: 2026-11-23T00:41:07.123Z
std::string format_utc(std::chrono::system_clock::time_point time);
// The inverse of format_utc (fraction optional, 1 to 9 digits; only the `Z` zone); nullopt for
// anything else.
std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text);

}  // namespace netdiag
