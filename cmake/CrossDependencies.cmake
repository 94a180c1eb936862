# Dependencies for a cross build (the mingw-w64 Windows build). Every library netdiag uses is
# header-only or can be: the same Debian packages that serve the native build provide the
# headers. Only their own folders are exposed to the cross compiler, through a folder of links
# generated in the build tree: adding /usr/include itself would mix glibc headers into a
# Windows build. The targets created here carry the names find_package gives natively, so the
# rest of the build does not know the difference.
set(NETDIAG_HOST_INCLUDE_DIR /usr/include
    CACHE PATH "Where the build machine's header-only dependencies live")
set(_cross_include "${CMAKE_BINARY_DIR}/cross-include")
file(MAKE_DIRECTORY "${_cross_include}")
foreach(_entry IN ITEMS asio.hpp asio CLI nlohmann catch2 fmt spdlog)
  set(_source "${NETDIAG_HOST_INCLUDE_DIR}/${_entry}")
  if(NOT EXISTS "${_source}")
    message(FATAL_ERROR "Cross build: ${_source} is missing. Install the Debian packages "
                        "libasio-dev libcli11-dev nlohmann-json3-dev catch2 libfmt-dev "
                        "libspdlog-dev.")
  endif()
  file(CREATE_LINK "${_source}" "${_cross_include}/${_entry}" SYMBOLIC)
endforeach()

function(_netdiag_header_only_target name)
  if(NOT TARGET ${name})
    add_library(${name} INTERFACE IMPORTED GLOBAL)
    # Imported targets' include folders are passed with -isystem.
    set_target_properties(${name} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_cross_include}")
  endif()
endfunction()

find_package(Threads REQUIRED)

if(WIN32)
  # Windows 10 API level (GetIpForwardTable2, RtlGetVersion, WSAPoll, inet_ntop). NOMINMAX
  # because Asio pulls in <windows.h>, whose min/max macros break std::min/std::max.
  add_compile_definitions(_WIN32_WINNT=0x0A00 WINVER=0x0A00 NOMINMAX WIN32_LEAN_AND_MEAN)
  set(_socket_libraries ws2_32 mswsock)
endif()

_netdiag_header_only_target(Asio::Asio)
set_property(TARGET Asio::Asio APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS
                                               ASIO_STANDALONE ASIO_NO_DEPRECATED)
set_property(TARGET Asio::Asio APPEND PROPERTY INTERFACE_LINK_LIBRARIES
                                               Threads::Threads ${_socket_libraries})

_netdiag_header_only_target(CLI11::CLI11)
_netdiag_header_only_target(nlohmann_json::nlohmann_json)

# fmt compiled into each user instead of libfmt.so; Debian's spdlog/tweakme.h already selects
# the external fmt, so spdlog follows.
_netdiag_header_only_target(fmt::fmt)
set_property(TARGET fmt::fmt APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS FMT_HEADER_ONLY)
_netdiag_header_only_target(spdlog::spdlog)
set_property(TARGET spdlog::spdlog APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS
                                                  SPDLOG_HEADER_ONLY)
set_property(TARGET spdlog::spdlog APPEND PROPERTY INTERFACE_LINK_LIBRARIES fmt::fmt)

if(NETDIAG_BUILD_TESTS)
  _netdiag_header_only_target(Catch2::Catch2)
endif()

# mingw-w64's GCC 12 reports false -Wrestrict (std::string concatenation, GCC bug 105329) and
# -Warray-bounds (memcpy inside std::copy) warnings at -O2 in libstdc++'s own headers; with
# -Werror they would fail correct code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  add_compile_options(-Wno-restrict -Wno-array-bounds)
endif()
