#include "core/finding_pages.hpp"

#include <algorithm>
#include <cctype>

namespace netdiag {

std::optional<std::string> finding_page(std::string_view id) {
    std::string key(id);
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    const auto& pages = embedded_finding_pages();
    const auto it = pages.find(key);
    if (it == pages.end()) return std::nullopt;
    return it->second;
}

}  // namespace netdiag
