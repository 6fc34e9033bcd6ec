#!/usr/bin/env bash
# Validates the Windows (MSVC) build definition on Linux: gyp generates the
# Visual Studio project from binding.gyp for each arch, and the project must
# name every source, secur32.lib, NAPI_VERSION, the .node extension, node-gyp's
# delay-load hook for node.exe and the hardening flags. It cannot compile here;
# the Windows workflow does.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
napi=$(node -p "require('./package.json').binary.napi_versions[0]")
sources=$(python3 -c "
import ast,re
g=ast.literal_eval(re.sub(r'(?m)^\s*#.*$','',open('binding.gyp').read()))
print('\n'.join(s.replace('/','\\\\') for s in g['targets'][0]['sources']))")
for arch in x64 ia32 arm64; do
  # gyp's XML writer breaks under UTF-8 and unset locales; the locale need not exist.
  LC_ALL=en_US.ISO-8859-1 node node_modules/node-gyp/bin/node-gyp.js configure --nodedir=/usr -- \
    -f msvs -G msvs_version=2022 -DOS=win -Dtarget_arch=$arch -I scripts/msvs-check.gypi >"$SSPI_CACHE/msvs-$arch.log" 2>&1 ||
    die "gyp could not generate the MSVS project for $arch; see $SSPI_CACHE/msvs-$arch.log"
  proj=build/sspi_native.vcxproj
  want=(secur32.lib advapi32.lib crypt32.lib "NAPI_VERSION=$napi" "<TargetExt>.node" win_delay_load_hook.cc
        "DelayLoadDLLs>node.exe" /guard:cf /sdl)
  while IFS= read -r s; do want+=("$s"); done <<<"$sources"
  for w in "${want[@]}"; do
    grep -qF -- "$w" "$proj" || die "$arch MSVS project lacks $w"
  done
  log "MSVS project for $arch names all ${#want[@]} expected items"
done
