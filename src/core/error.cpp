#include "netdiag/error.hpp"

#include <fmt/format.h>

namespace netdiag {

std::string SysError::describe() const {
    if (native == 0) return "success";
    return message.empty() ? fmt::format("{} ({})", native_name, native)
                           : fmt::format("{} ({}) {}", native_name, native, message);
}

nlohmann::json SysError::to_evidence() const {
    return {{"errno", native}, {"errno_name", native_name}, {"message", message}};
}

}  // namespace netdiag
