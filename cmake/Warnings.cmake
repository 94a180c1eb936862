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
# With precompiled headers (cmake/PrecompiledHeaders.cmake) GCC 12 no longer treats the
# libstdc++ code it inlines from the PCH as a system header, and reports its known std::string
# false positives (-Warray-bounds, -Wstringop-overflow, -Wstringop-overread inside
# char_traits::copy) against the caller. Those checks stay on where the headers are not
# precompiled (NETDIAG_PCH=OFF); ASan, UBSan and the fuzzers check the real thing at run time.
if(NETDIAG_PCH AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(netdiag_warnings INTERFACE -Wno-array-bounds -Wno-stringop-overflow
                                                     -Wno-stringop-overread)
endif()
