#!/usr/bin/env bash
# The test command (npm test). On Linux: cross-builds the addon, starts the private
# realm (KDC + winbindd), runs the pure-TS unit tests on Linux Node, then the whole
# suite inside Windows node.exe under Wine for each version in NODE_WIN_VERSIONS,
# against the real secur32. On Windows: runs the suite with this Node.
# Fails when a suite fails, when no test ran, when node.exe did not start, or when
# the real-SSPI handshake tests were skipped.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

# The tests that prove real SSPI ran; a run where these skip is a failure.
REQUIRED=(
  "Kerberos handshake completes to SEC_E_OK"
  "NTLM handshake completes to SEC_E_OK"
  "wrong NTLM password gives SEC_E_LOGON_DENIED"
  "loads in a host that is not named node.exe"
  "the client completes TLS with openssl s_server from 64-byte reads"
  "seeded cases: every outcome is a StepResult or a typed SspiError"
  "of interleaved async calls with random dispose"
)
require_args=()
for r in "${REQUIRED[@]}"; do require_args+=(--require "$r"); done

out=$(mktemp -d "${TMPDIR:-/tmp}/sspi-test.XXXXXX")
realm_dir="$out/realm"
cleanup() {
  local rc=$?
  [ -f "$realm_dir/krb5.conf" ] && bash "$ROOT/scripts/realm.sh" stop "$realm_dir" || true
  bash "$ROOT/scripts/tls-server.sh" stop "$out/tls" || true
  [ "${KEEP_TEST_OUTPUT:-}" = 1 ] || rm -rf "$out"
  exit $rc
}
trap cleanup EXIT INT TERM

if [ "$(uname -s)" != Linux ]; then
  npm run --silent build:ts
  # Git for Windows' openssl serves the Schannel client tests.
  bash scripts/tls-server.sh start "$out/tls"
  source "$out/tls/env.sh"
  node node_modules/jest/bin/jest.js --ci --json --outputFile="$out/report.json" || true
  node scripts/check-results.js windows "$out/report.json"
  exit 0
fi

log "building the Windows addon (MinGW-w64) and the TypeScript"
bash scripts/build-win.sh
npm run --silent build:ts
log "checking the MSVC build definition and the npm package"
bash scripts/check-msvs.sh
bash scripts/check-package.sh

log "unit tests on Linux Node $(node --version)"
FORCE_COLOR=0 node node_modules/jest/bin/jest.js --ci --json --outputFile="$out/linux.json" dist/test/unit || true
node scripts/check-results.js "linux-node-$(node --version)" "$out/linux.json"

log "starting the test realm"
bash scripts/realm.sh start "$realm_dir"
source "$realm_dir/env.sh"

for ver in $NODE_WIN_VERSIONS; do
  log "full suite in Windows node.exe $ver under Wine"
  report="$out/win-$ver.json"
  FORCE_COLOR=0 WINE_NODE_TIMEOUT=${WINE_NODE_TIMEOUT:-900} \
    bash scripts/wine-node "$ver" node_modules/jest/bin/jest.js --ci --runInBand \
    --json --outputFile="$(winpath "$report")" && rc=0 || rc=$?
  [ "$rc" = 125 ] && die "node.exe $ver did not start or crashed"
  [ "$rc" = 124 ] && die "node.exe $ver timed out"
  node scripts/check-results.js "windows-node-$ver" "$report" "${require_args[@]}"
done

log "real HTTP clients (curl, python3-gssapi, headless Chromium) on Linux against the server in node.exe"
FORCE_COLOR=0 NODE_WIN_VERSIONS="$NODE_WIN_VERSIONS" node node_modules/jest/bin/jest.js --ci --runInBand \
  --json --outputFile="$out/clients.json" dist/test/clients || true
node scripts/check-results.js "linux-clients" "$out/clients.json" \
  --require "curl --negotiate with a Kerberos ticket gets 200" \
  --require "python3-gssapi SPNEGO client gets 200" \
  --require "200 concurrent authenticated requests" \
  --require "headless Chromium with a Kerberos ticket loads the protected page"

log "fault injection: KDC and winbindd stopped and restarted under node.exe, worker threads terminated"
FAULT_REALM_DIR="$realm_dir" bash scripts/fault-injection.sh

node -e '
  const fs = require("fs");
  let p = 0, f = 0, s = 0;
  for (const file of process.argv.slice(1)) {
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    p += r.passed; f += r.failed; s += r.skipped;
  }
  console.log(`total: ${p} passed, ${f} failed, ${s} skipped`);
' "$out"/*.json.summary
