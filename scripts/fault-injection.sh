#!/usr/bin/env bash
# npm run faults: fault injection against real SSPI (Linux; node.exe under Wine).
# A worker in node.exe (test/faults/worker.ts) keeps authenticating (Kerberos
# with a password credential, so every attempt reaches the KDC; NTLM through
# ntlm_auth and winbindd) while this script stops and restarts the KDC and
# winbindd, and finally terminates worker threads mid-handshake in node.exe.
# Fails unless: every failure is a typed SspiError, authentication fails while
# its server is down and recovers when it is back, the other package is not
# disturbed, node.exe never crashes, and no handle is left.
# Uses the realm in $FAULT_REALM_DIR if set (scripts/test.sh), else starts one.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
[ -f dist/test/faults/worker.js ] || npm run --silent build:ts
[ -f prebuilds/win32-x64/sspi-native.node ] || bash scripts/build-win.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/sspi-faults.XXXXXX")
realm_dir=${FAULT_REALM_DIR:-}
own_realm=0
worker=""
cleanup() {
  local rc=$?
  [ -n "$worker" ] && kill "$worker" 2>/dev/null && wait "$worker" 2>/dev/null
  if [ -n "$realm_dir" ]; then
    # Leave the realm as we found it: both servers up.
    [ -s "$realm_dir/kdc.pid" ] || bash scripts/realm.sh kdc-start "$realm_dir" || true
    [ -s "$realm_dir/samba/pid/winbindd.pid" ] || bash scripts/realm.sh winbind-start "$realm_dir" || true
    [ "$own_realm" = 1 ] && bash scripts/realm.sh stop "$realm_dir"
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
if [ -z "$realm_dir" ]; then
  realm_dir="$work/realm"
  own_realm=1
  bash scripts/realm.sh start "$realm_dir" >&2
fi
source "$realm_dir/env.sh"

control="$work/control"
mkdir -p "$control"
version=${NODE_WIN_VERSIONS%% *}
WINE_NODE_TIMEOUT=600 bash scripts/wine-node "$version" dist/test/faults/worker.js "$(winpath "$control")" >"$work/worker.log" 2>&1 &
worker=$!

wait_for() {
  local file=$1 limit=${2:-180}
  for _ in $(seq $((limit * 10))); do
    [ -f "$control/$file" ] && return 0
    if [ -f "$control/error" ] || ! kill -0 "$worker" 2>/dev/null; then
      cat "$work/worker.log" "$control/error" 2>/dev/null >&2 || true
      die "the node.exe worker stopped while waiting for $file"
    fi
    sleep 0.1
  done
  die "timed out waiting for $file"
}

phase() {
  local name=$1
  echo "$name" >"$control/phase"
  wait_for "ack-$name"
  log "$name: $(cat "$control/ack-$name")"
}

wait_for ready 120
phase baseline
bash scripts/realm.sh kdc-stop "$realm_dir"
phase kdc-down
bash scripts/realm.sh kdc-start "$realm_dir"
phase kdc-back
bash scripts/realm.sh winbind-stop "$realm_dir"
phase winbind-down
bash scripts/realm.sh winbind-start "$realm_dir"
phase winbind-back
phase workers
echo done >"$control/phase"
wait_for ack-done 60
wait "$worker" && rc=0 || rc=$?
worker=""
[ "$rc" = 0 ] || { cat "$work/worker.log" >&2; die "node.exe exited with $rc"; }

node - "$control" <<'JS'
const fs = require('fs');
const dir = process.argv[2];
const ack = (p) => JSON.parse(fs.readFileSync(`${dir}/ack-${p}`, 'utf8'));
const problems = [];
const keys = (o) => Object.keys(o);
const allOk = (o) => keys(o).length === 1 && o.ok > 0;
const noneOk = (o) => keys(o).length > 0 && !o.ok;
const typed = (o) => keys(o).every((k) => !k.startsWith('UNTYPED'));
const expect = (cond, what) => { if (!cond) problems.push(what); };
const b = ack('baseline'), kd = ack('kdc-down'), kb = ack('kdc-back'), wd = ack('winbind-down'), wb = ack('winbind-back'), w = ack('workers'), done = ack('done');
expect(allOk(b.kerberos) && allOk(b.ntlm), 'baseline: Kerberos and NTLM succeed');
expect(noneOk(kd.kerberos) && typed(kd.kerberos), 'KDC down: Kerberos fails, every failure typed');
expect(allOk(kd.ntlm), 'KDC down: NTLM unaffected');
expect(allOk(kb.kerberos), 'KDC back: Kerberos recovers');
expect(noneOk(wd.ntlm) && typed(wd.ntlm), 'winbindd down: NTLM fails, every failure typed');
expect(allOk(wd.kerberos), 'winbindd down: Kerberos unaffected');
expect(allOk(wb.ntlm), 'winbindd back: NTLM recovers');
expect(w.workers['terminate exit 1'] === 30 && allOk(w.kerberos), '30 worker threads terminated mid-handshake; the main thread still authenticates');
expect(done.live.credentials === 0 && done.live.contexts === 0, 'no live handle at the end');
console.log(`KDC down: Kerberos ${JSON.stringify(kd.kerberos)}; winbindd down: NTLM ${JSON.stringify(wd.ntlm)}`);
if (problems.length) { console.error('FAILED: ' + problems.join('; ')); process.exit(1); }
console.log('fault injection: all checks passed');
JS
