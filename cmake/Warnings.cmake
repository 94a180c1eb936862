# Warnings every netdiag target is built with; -Werror when NETDIAG_WERROR is on (CI).
add_library(netdiag_warnings INTERFACE)
target_compile_options(netdiag_warnings INTERFACE -Wall -Wextra -Wpedantic)
if(NETDIAG_WERROR)
  target_compile_options(netdiag_warnings INTERFACE -Werror)
endif()
