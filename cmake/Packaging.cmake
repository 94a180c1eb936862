# Installation layout and packages: `cmake --install`, CPack .deb on Linux and .zip for the
# Windows build, the man page (help2man, native builds only) and bash completion.
include(GNUInstallDirs)

install(FILES "${PROJECT_SOURCE_DIR}/README.md" "${PROJECT_SOURCE_DIR}/LICENSE"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}")
install(FILES "${PROJECT_SOURCE_DIR}/docs/report.schema.json"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/netdiag")

if(NOT WIN32)
  install(FILES "${PROJECT_SOURCE_DIR}/packaging/netdiag.bash-completion"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions" RENAME netdiag)

  # netdiag on a schedule (docs/metrics.md): the service runs the binary installed here. Its
  # path is written in at install time, from the prefix in effect then (`cmake --install
  # --prefix`, and cpack's /usr), not the configure-time one. Not enabled on install:
  # `systemctl enable --now netdiag.timer`.
  install(CODE "
    set(NETDIAG_BINDIR \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
    set(NETDIAG_DOCDIR \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DOCDIR}\")
    configure_file(\"${PROJECT_SOURCE_DIR}/packaging/systemd/netdiag.service.in\"
                   \"${CMAKE_CURRENT_BINARY_DIR}/netdiag.service\" @ONLY)")
  install(FILES "${CMAKE_CURRENT_BINARY_DIR}/netdiag.service"
                "${PROJECT_SOURCE_DIR}/packaging/systemd/netdiag.timer"
          DESTINATION "lib/systemd/system")
  # Alerting rules and the Kubernetes manifest, as examples to copy; the docs they refer to.
  install(FILES "${PROJECT_SOURCE_DIR}/packaging/prometheus/netdiag-alerts.yml"
                "${PROJECT_SOURCE_DIR}/packaging/kubernetes/netdiag-daemonset.yaml"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/netdiag/examples")
  install(FILES "${PROJECT_SOURCE_DIR}/docs/metrics.md" "${PROJECT_SOURCE_DIR}/docs/fleet.md"
          DESTINATION "${CMAKE_INSTALL_DOCDIR}")

  # The man page is made from the binary's own --help, so it cannot drift from the CLI.
  find_program(HELP2MAN_EXECUTABLE help2man)
  if(HELP2MAN_EXECUTABLE AND NOT CMAKE_CROSSCOMPILING)
    set(_man "${CMAKE_CURRENT_BINARY_DIR}/netdiag.1")
    add_custom_command(
      OUTPUT "${_man}"
      COMMAND "${HELP2MAN_EXECUTABLE}" --no-info --section=1
              "--name=socket-fault diagnostics for the host you run it on"
              "--include=${PROJECT_SOURCE_DIR}/packaging/netdiag.h2m"
              --output=${_man} "$<TARGET_FILE:netdiag>"
      DEPENDS netdiag "${PROJECT_SOURCE_DIR}/packaging/netdiag.h2m"
      COMMENT "Generating the netdiag(1) man page with help2man")
    add_custom_target(netdiag_man ALL DEPENDS "${_man}")
    install(FILES "${_man}" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
  else()
    message(STATUS "help2man not found (apt-get install help2man): no man page")
  endif()
endif()

if(CMAKE_CROSSCOMPILING)
  # The cross build makes only the targets that exist for Windows (netdiag, the unit tests; the
  # windows preset names them): install and package what was built instead of building "all".
  set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
endif()

set(CPACK_PACKAGE_NAME netdiag)
set(CPACK_PACKAGE_VENDOR "The netdiag developers")
set(CPACK_PACKAGE_CONTACT "The netdiag developers <netdiag@invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_RESOURCE_FILE_README "${PROJECT_SOURCE_DIR}/README.md")
set(CPACK_STRIP_FILES ON)
if(WIN32)
  set(CPACK_GENERATOR ZIP)
  set(CPACK_PACKAGE_FILE_NAME "netdiag-${PROJECT_VERSION}-windows-x86_64")
else()
  set(CPACK_GENERATOR DEB)
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # netdiag_<version>_<arch>.deb
  set(CPACK_DEBIAN_PACKAGE_SECTION net)
  # Dependencies (libfmt, libspdlog, libssl …) from the binary's shared libraries.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
include(CPack)
