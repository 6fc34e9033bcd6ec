#!/usr/bin/env bash
# Cross-builds the Windows prebuilds on Linux: prebuildify names and places them
# (prebuilds/win32-<arch>/sspi-native.node, found by node-gyp-build), and
# scripts/cross-build.py stands in for node-gyp with MinGW-w64.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
for arch in ${SSPI_ARCHES:-x64 ia32}; do
  PREBUILD_PLATFORM=win32 PREBUILD_ARCH=$arch node node_modules/prebuildify/bin.js \
    --napi --quiet --node-gyp="$ROOT/scripts/cross-build.py"
  file=prebuilds/win32-$arch/sspi-native.node
  [ -f "$file" ] || die "prebuildify left no $file"
  # Fail the build if anything but system DLLs and Secur32 is imported statically.
  case $arch in x64) triple=x86_64-w64-mingw32 ;; *) triple=i686-w64-mingw32 ;; esac
  imports=$("$triple-objdump" -p "$file" | awk '/DLL Name:/ {print $3}' | sort -u | tr '\n' ' ')
  for dll in $imports; do
    case "${dll,,}" in
      kernel32.dll|msvcrt.dll|secur32.dll|advapi32.dll|crypt32.dll|ncrypt.dll|user32.dll|ws2_32.dll|ntdll.dll) ;;
      *) die "$file imports unexpected $dll" ;;
    esac
  done
  log "$file ($(stat -c %s "$file") bytes) imports: $imports+ node.exe (delay-loaded, resolved to the host)"
done
