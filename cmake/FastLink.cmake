# GNU gold links the test binaries in about half the time of the default linker (BFD ld); the
# inner loop (`./dev.sh quick`) spends most of its build time linking. Used where the
# toolchain can link with it (not the mingw-w64 cross build).
include(CheckLinkerFlag)
option(NETDIAG_GOLD "Link with GNU gold where available" ON)
if(NETDIAG_GOLD AND NOT CMAKE_CROSSCOMPILING)
  check_linker_flag(CXX -fuse-ld=gold NETDIAG_LINKER_GOLD)
  if(NETDIAG_LINKER_GOLD)
    add_link_options(-fuse-ld=gold)
  endif()
endif()
