# Catch2 v2's CMake config names its target Catch2::Catch2; nothing else to adapt today.
if(NOT TARGET Catch2::Catch2)
  message(FATAL_ERROR "Catch2 v2 not found (Debian package: catch2)")
endif()
