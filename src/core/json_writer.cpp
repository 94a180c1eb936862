#include "core/writers.hpp"

namespace netdiag {

std::string render_json(const Report& report) {
    // Invalid UTF-8 from the OS (an adapter name, a peer's bytes) must not abort the report.
    return to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace netdiag
