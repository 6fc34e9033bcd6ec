#!/usr/bin/env bash
# npm run demo: the whole story in one command. Starts the test realm (Linux),
# the example server in Windows Node (Wine on Linux, native on Windows), runs a
# real `curl --negotiate` against it, and prints what happened.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
npm run --silent build:ts
work=$(mktemp -d "${TMPDIR:-/tmp}/sspi-demo.XXXXXX")
server_pid=""
cleanup() {
  set +e
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  [ -f "$work/realm/krb5.conf" ] && bash "$ROOT/scripts/realm.sh" stop "$work/realm"
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$(uname -s)" = Linux ]; then
  [ -f prebuilds/win32-x64/sspi-native.node ] || bash scripts/build-win.sh
  bash scripts/realm.sh start "$work/realm"
  source "$work/realm/env.sh"
  log "Kerberos ticket for alice@$SSPI_TEST_REALM in $KRB5CCNAME"
  SSPI_TEST_SPN=$SSPI_TEST_SPN WINE_NODE_TIMEOUT=600 bash scripts/demo-server.sh --port 0 >"$work/server.log" 2>&1 &
else
  node dist/demo/server.js --port 0 >"$work/server.log" 2>&1 &
fi
server_pid=$!
for _ in $(seq 300); do grep -aq 'PORT=' "$work/server.log" && break; sleep 0.1; done
port=$(grep -ao 'PORT=[0-9]*' "$work/server.log" | head -1 | cut -d= -f2)
[ -n "$port" ] || { cat "$work/server.log"; die "the demo server did not start"; }
log "server (Windows node.exe) listening on http://localhost:$port/"

log "curl --negotiate -u : http://localhost:$port/"
curl -s -S --negotiate -u : -D "$work/headers" -o "$work/body" "http://localhost:$port/" || true
echo "  response:       $(grep -a '^HTTP/' "$work/headers" | tail -1 | tr -d '\r')"
node -e '
  const fs = require("fs");
  const headers = fs.readFileSync(process.argv[1], "latin1");
  let body;
  try { body = JSON.parse(fs.readFileSync(process.argv[2], "utf8")); } catch { body = null; }
  const mutual = /^WWW-Authenticate: Negotiate \S+/mi.test(headers.split(/\r?\n\r?\n/).filter(Boolean).pop() || "");
  if (!body || !body.ok) { console.log("  authentication FAILED:", fs.readFileSync(process.argv[2], "utf8")); process.exit(1); }
  console.log(`  package:        ${body.package} (scheme ${body.scheme})`);
  console.log(`  mutual auth:    ${body.mutual && mutual ? "yes: the 200 carried the server token, and curl accepted it" : "no"}`);
  console.log(`  context flags:  ${body.flags.join(", ") || "(none reported)"}`);
  console.log(`  client:         ${body.user ? `${body.user.domain}\\${body.user.name} (${body.user.sid}), ${body.user.groups.length} groups` : `unavailable: ${body.identityUnavailable}`}`);
' "$work/headers" "$work/body"
log "server log:"
sed 's/^/  /' "$work/server.log" | grep -av '^  PORT=' || true
