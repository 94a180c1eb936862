#!/usr/bin/env bash
# Builds netdiag's packages with CPack:
#   scripts/package.sh deb [--install]   release build in build/package, then netdiag_<ver>_<arch>.deb
#                                        (man page and bash completion included); --install also
#                                        installs it with apt and runs the installed netdiag
#   scripts/package.sh zip               Windows cross build in build/package-windows, then
#                                        netdiag-<ver>-windows-x86_64.zip
# Needs the build packages of dev.sh (help2man and dpkg-dev among them) and, for zip, mingw-w64.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)

case "${1:-}" in
  deb)
    cmake --preset release -B build/package >/dev/null
    cmake --build build/package -j"$jobs"
    (cd build/package && cpack -G DEB)
    deb=$(ls build/package/netdiag_*.deb)
    echo "package: $deb"
    if [[ "${2:-}" == --install ]]; then
      sudo=()
      [ "$(id -u)" -eq 0 ] || sudo=(sudo)
      "${sudo[@]}" apt-get install -y "./$deb"
      netdiag --version
      rc=0
      netdiag probe host -q || rc=$?
      echo "netdiag probe host: exit $rc (0 or 1: it ran)"
      [ "$rc" -le 1 ]
      man -w netdiag
    fi ;;
  zip)
    cmake --preset windows-package >/dev/null
    cmake --build build/package-windows --target netdiag -j"$jobs"
    (cd build/package-windows && cpack -G ZIP)
    echo "package: $(ls build/package-windows/netdiag-*.zip)" ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
