# Warnings every netdiag target is built with; -Werror when NETDIAG_WERROR is on (CI).
add_library(netdiag_warnings INTERFACE)
target_compile_options(netdiag_warnings INTERFACE -Wall -Wextra -Wpedantic)
if(NETDIAG_WERROR)
  target_compile_options(netdiag_warnings INTERFACE -Werror)
endif()
# GCC 12 warns -Wrestrict inside std::string's own code when it inlines string concatenation at
# -O3 (a known false positive of that release, fixed in GCC 13): it says nothing about netdiag.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(netdiag_warnings INTERFACE -Wno-restrict)
endif()
