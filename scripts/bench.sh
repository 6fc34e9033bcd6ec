#!/usr/bin/env bash
# npm run bench -- NAME [options]   NAME: handshake | event-loop | http | memory
# Each bench prints its figures and the ratios measured side by side in one run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
name=${1:?usage: npm run bench -- handshake|event-loop|http|memory [options]}; shift
[ -f "bench/$name.ts" ] || die "no bench named $name (bench/*.ts)"
if [ "$(uname -s)" = Linux ] && { [ "$name" = handshake ] || [ "$name" = memory ]; }; then
  # The raw C baseline (same calls straight on Secur32), built with MinGW-w64.
  # On Windows build it yourself: cl /O2 bench\raw-handshake.c secur32.lib psapi.lib /Fe:build\bench\
  mkdir -p build/bench
  x86_64-w64-mingw32-gcc -O2 -Wall -o build/bench/raw-handshake.exe bench/raw-handshake.c -lsecur32 -lpsapi
fi
node_args=()
[ "$name" = memory ] && node_args=(--node-arg --expose-gc)
exec bash scripts/realm-run.sh "${node_args[@]}" "dist/bench/$name.js" "$@"
