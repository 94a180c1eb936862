// libFuzzer target for the report reader behind `diff`, `merge` and `render`: any byte string
// must give a report or a message, and a report it accepts must survive diff, merge and a
// write-and-read-again round trip.
// Built and run by tests/fuzz/run_fuzz.sh report <seconds>.
// fuzz-sources: src/report/report_reader.cpp src/report/report_diff.cpp
// fuzz-sources: src/report/report_merge.cpp src/core/model.cpp
// fuzz-libs: -lfmt
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "report/report_diff.hpp"
#include "report/report_merge.hpp"
#include "report/report_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netdiag;
    const auto result = read_report(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!result.loaded) {
        if (result.error.empty()) __builtin_trap();  // a refusal must say why
        return 0;
    }
    const auto& report = result.loaded->report;
    // What netdiag wrote from an accepted report, it must read back.
    const auto again = read_report(to_json(report).dump());
    if (!again.loaded) __builtin_trap();
    const auto diff = diff_reports(report, again.loaded->report, {});
    if (!diff.appeared.empty() || !diff.resolved.empty()) __builtin_trap();
    (void)render_diff_text(diff, "a", "b");
    const auto fleet = merge_reports({{"a.json", report}, {"b.json", report}});
    (void)render_fleet_text(fleet);
    (void)to_json(fleet).dump();
    return 0;
}
