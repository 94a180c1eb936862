# Precompiled headers for the heavy third-party headers most files include (nlohmann/json
# through the report model, fmt, and Catch2 in the tests): parsing them once per target instead
# of once per file is most of the saving in a full build. Asio stays out: only a few files use
# it, and on Windows it must decide the order of the Winsock headers itself.
option(NETDIAG_PCH "Precompile the heavy third-party headers" ON)

function(netdiag_precompile_headers target)
  if(NOT NETDIAG_PCH)
    return()
  endif()
  target_precompile_headers(${target} PRIVATE
    <algorithm> <chrono> <cstdint> <functional> <map> <memory> <optional> <string>
    <string_view> <vector> <nlohmann/json.hpp> <fmt/format.h> ${ARGN})
endfunction()
