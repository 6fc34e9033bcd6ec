#!/usr/bin/env bash
# npm run demo:server -- --port N [--ntlm] [--require-integrity]
# Starts the example Negotiate server (demo/server.ts) in Windows Node: natively
# on Windows, in node.exe under Wine on Linux. On Linux it also starts the
# private test realm (unless one is already configured) and prints how to point
# a client at the server. Stops with Ctrl-C.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
[ -f dist/demo/server.js ] || npm run --silent build:ts

if [ "$(uname -s)" != Linux ]; then
  exec node dist/demo/server.js "$@"
fi

[ -f prebuilds/win32-x64/sspi-native.node ] || bash scripts/build-win.sh
if [ -z "${SSPI_TEST_SPN:-}" ]; then
  realm_dir=$(mktemp -d "${TMPDIR:-/tmp}/sspi-demo-realm.XXXXXX")
  trap 'bash "$ROOT/scripts/realm.sh" stop "$realm_dir"; rm -rf "$realm_dir"' EXIT
  bash scripts/realm.sh start "$realm_dir" >&2
  source "$realm_dir/env.sh"
  log "clients: source $realm_dir/env.sh, then e.g. curl --negotiate -u : http://localhost:PORT/" >&2
fi
version=${NODE_WIN_VERSIONS%% *}
WINE_NODE_TIMEOUT=${WINE_NODE_TIMEOUT:-0} bash scripts/wine-node "$version" dist/demo/server.js "$@" &
server=$!
# Pass a stop on to wine-node, which stops node.exe; then the EXIT trap stops the realm.
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; exit 143' TERM INT
wait "$server"
