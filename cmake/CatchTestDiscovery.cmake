# Every Catch2 test case becomes its own ctest test, labelled by what it needs.
#
# netdiag_discover_catch_tests(<target> DEFAULT_LABEL <label> [PREFIX <text>])
#
# The cases are listed when ctest starts (not at build time), so a cross build lists them under
# its emulator (Wine) once the test run has set that up. A case's tags decide its ctest
# properties (docs/testing.md has the table):
#   [unit] [loopback] [netns] [qemu] [wine] [valgrind] [fuzz] [slow]   -> LABELS
#   no label tag among the needs (unit … fuzz)                           -> DEFAULT_LABEL
#   [exclusive]   needs the host to itself (timing, valgrind)            -> RUN_SERIAL
#   label loopback, qemu or wine: shares the root namespace's ports      -> RESOURCE_LOCK root-netns
#     unless [own-ports]: only ephemeral ports and its own processes     -> no lock
# and every case reports "skipped" when it prints the NETDIAG_SKIP marker.
set(_netdiag_catch_discovery_script "${CMAKE_CURRENT_LIST_DIR}/CatchTestDiscoveryRun.cmake")

function(netdiag_discover_catch_tests target)
  cmake_parse_arguments(arg "" "DEFAULT_LABEL;PREFIX" "" ${ARGN})
  set(list_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_ctest_cases.cmake")
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_ctest_include.cmake")
  get_property(emulator TARGET ${target} PROPERTY CROSSCOMPILING_EMULATOR)
  if(NOT emulator AND CMAKE_CROSSCOMPILING_EMULATOR)
    set(emulator "${CMAKE_CROSSCOMPILING_EMULATOR}")
  endif()
  file(GENERATE OUTPUT "${include_file}" CONTENT
"set(_exe [==[$<TARGET_FILE:${target}>]==])
set(_list [==[${list_file}]==])
if(NOT EXISTS \"\${_list}\" OR \"\${_exe}\" IS_NEWER_THAN \"\${_list}\")
  execute_process(COMMAND [==[${CMAKE_COMMAND}]==]
    \"-DEXE=\${_exe}\" [==[-DEMULATOR=${emulator}]==] \"-DOUT=\${_list}\"
    [==[-DPREFIX=${arg_PREFIX}]==] [==[-DDEFAULT_LABEL=${arg_DEFAULT_LABEL}]==]
    -P [==[${_netdiag_catch_discovery_script}]==]
    RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(WARNING \"listing the test cases of \${_exe} failed (\${_rc})\")
  endif()
endif()
include(\"\${_list}\" OPTIONAL)
")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
endfunction()
