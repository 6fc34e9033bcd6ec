#!/usr/bin/env bash
# Installing never fails off Windows: packs the package, installs the tarball
# into a fresh Linux project with npm, and requires it there (isSupported() is
# false and calls throw ERR_SSPI_UNSUPPORTED_PLATFORM).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
work=$(mktemp -d "${TMPDIR:-/tmp}/sspi-pack.XXXXXX")
trap 'rm -rf "$work"' EXIT
tarball=$(npm pack --silent --pack-destination "$work" 2>/dev/null | tail -n 1)
contents=$(tar -tzf "$work/$tarball")
for f in prebuilds/win32-x64/sspi-native.node prebuilds/win32-ia32/sspi-native.node types/index.d.ts dist/lib/index.js; do
  grep -qxF "package/$f" <<<"$contents" || die "tarball lacks $f"
done
mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
npm install --no-audit --no-fund "$work/$tarball" >"$work/install.log" 2>&1 || { cat "$work/install.log"; die "npm install failed"; }
node -e '
  const sspi = require("sspi-native");
  if (sspi.isSupported()) throw new Error("isSupported() should be false on " + process.platform);
  try { sspi.enumeratePackages(); throw new Error("no error"); }
  catch (e) { if (e.code !== "ERR_SSPI_UNSUPPORTED_PLATFORM") throw e; }
  console.log("required on " + process.platform + ": isSupported() false, calls throw " + "ERR_SSPI_UNSUPPORTED_PLATFORM");
'
log "npm install of $tarball into a Linux project: ok"
