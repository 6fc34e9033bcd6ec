#!/usr/bin/env bash
# npm run demo:server -- --port N [--ntlm] [--require-integrity]
# Starts the example Negotiate server (demo/server.ts) in Windows Node: natively
# on Windows, in node.exe under Wine on Linux, where the private test realm is
# started too (unless one is already configured) and the log says how to point
# a client at the server. Stops with Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
WINE_NODE_TIMEOUT=${WINE_NODE_TIMEOUT:-0} exec bash scripts/realm-run.sh dist/demo/server.js "$@"
