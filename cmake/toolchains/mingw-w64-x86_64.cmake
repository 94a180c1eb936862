# Cross build for 64-bit Windows with Debian's mingw-w64 (package g++-mingw-w64-x86-64-posix).
# The posix flavour is required: its libstdc++ has std::thread, std::mutex and <future>, which
# the runner uses. The result is a static netdiag.exe that runs on Windows 10+ and under Wine.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(_mingw_triplet x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${_mingw_triplet}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_mingw_triplet}-g++-posix)
set(CMAKE_RC_COMPILER ${_mingw_triplet}-windres)

# Search only the mingw sysroot for libraries and headers, never the build machine's
# /usr/include (glibc headers must not leak into a Windows build). Programs (python, git)
# still come from the build machine.
set(CMAKE_FIND_ROOT_PATH /usr/${_mingw_triplet})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# One self-contained .exe: no libstdc++-6.dll / libwinpthread-1.dll to ship next to it.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# ctest runs the .exe tests through Wine. Debian's wine64 package installs the loader here;
# `wine` on PATH exists only with the `wine` package. Override with -DNETDIAG_WINE=...
set(NETDIAG_WINE /usr/lib/wine/wine64 CACHE FILEPATH "Wine loader used to run Windows tests")
set(CMAKE_CROSSCOMPILING_EMULATOR "${NETDIAG_WINE}")
