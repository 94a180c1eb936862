# The project's dependencies, all from Debian 12 packages.
if(CMAKE_CROSSCOMPILING)
  include(CrossDependencies)  # the same packages, header-only, for the mingw-w64 build
  return()
endif()
find_package(Threads REQUIRED)
find_package(Asio 1.18 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
if(NETDIAG_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
endif()
# OpenSSL's libcrypto encrypts the SPICE ticket (RSA-OAEP) on non-Windows builds (libssl-dev).
if(NOT WIN32)
  find_package(OpenSSL REQUIRED COMPONENTS Crypto)
endif()
