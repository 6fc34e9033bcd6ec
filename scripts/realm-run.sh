#!/usr/bin/env bash
# Runs a built script (dist/...) in Windows Node against the test realm:
# node.exe under Wine on Linux (starting a private realm unless SSPI_TEST_SPN is
# already set), the current node on Windows. Used by npm run bench/fuzz/soak
# and demo:server. A TERM/INT stops node.exe, then the realm.
#   scripts/realm-run.sh [--node-arg ARG]... dist/path/script.js [args...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
node_args=()
while [ "${1:-}" = --node-arg ]; do node_args+=("$2"); shift 2; done
script=${1:?usage: realm-run.sh [--node-arg ARG]... dist/SCRIPT.js [args...]}; shift
npm run --silent build:ts

if [ "$(uname -s)" != Linux ]; then
  exec node "${node_args[@]}" "$script" "$@"
fi
[ -f prebuilds/win32-x64/sspi-native.node ] || bash scripts/build-win.sh
if [ -z "${SSPI_TEST_SPN:-}" ]; then
  realm_dir=$(mktemp -d "${TMPDIR:-/tmp}/sspi-realm.XXXXXX")
  trap 'bash "$ROOT/scripts/realm.sh" stop "$realm_dir"; rm -rf "$realm_dir"' EXIT
  bash scripts/realm.sh start "$realm_dir" >&2
  source "$realm_dir/env.sh"
  log "clients: source $realm_dir/env.sh (e.g. then curl --negotiate -u : http://localhost:PORT/)"
fi
version=${NODE_WIN_VERSIONS%% *}
WINE_NODE_TIMEOUT=${WINE_NODE_TIMEOUT:-7200} bash scripts/wine-node "$version" "${node_args[@]}" "$script" "$@" &
child=$!
# Pass a stop on to wine-node, which stops node.exe; then the EXIT trap stops the realm.
trap 'kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 143' TERM INT
wait "$child"
