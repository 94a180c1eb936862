# Unity builds for the whole-tree builds of the test command (presets ci, asan, windows): each
# target's sources are compiled in batches of 16 files per translation unit, so the heavy
# headers (the standard library, nlohmann/json, fmt, spdlog, Asio, Catch2) are parsed and their
# templates instantiated once per batch instead of once per file. A from-scratch build then
# needs about half the compiler time. The dev preset keeps one file per unit: after a one-file
# change it recompiles that file alone.
#
# A unity batch is one file for the compiler, so names at namespace scope (anonymous
# namespaces included) and using-directives are shared between the files of a batch: helpers
# that several files need live in one header, and a using-directive stays inside a function.
option(NETDIAG_UNITY "Compile each target's sources in unity batches" OFF)
if(NETDIAG_UNITY)
  set(CMAKE_UNITY_BUILD ON)
  set(CMAKE_UNITY_BUILD_BATCH_SIZE 16)
endif()
