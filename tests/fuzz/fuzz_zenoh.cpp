// libFuzzer target for the Zenoh scouting decoder: any datagram on 224.0.0.224:7446 must give a
// message or a DecodeError, and any decoded Hello must survive a re-encode/decode round trip
// with the same fields. Run: tests/fuzz/run_fuzz.sh zenoh 60
// fuzz-sources: src/proto/zenoh/zenoh_scouting.cpp
// fuzz-libs: -lfmt
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "proto/zenoh/zenoh_scouting.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace netdiag::proto::zenoh;
    const auto result = decode(std::span<const std::uint8_t>(data, size));
    if (!result) return 0;
    if (const auto* hello = std::get_if<Hello>(&result.value())) {
        const auto again = decode_hello(encode(*hello));
        if (!again || again.value().zid != hello->zid ||
            again.value().locators != hello->locators || again.value().whatami != hello->whatami) {
            std::abort();
        }
    }
    return 0;
}
