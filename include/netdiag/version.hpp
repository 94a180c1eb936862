// netdiag's version and the commit it was built from (set by CMake).
#pragma once

#include <string_view>

namespace netdiag {

std::string_view version();
std::string_view git_commit();

}  // namespace netdiag
