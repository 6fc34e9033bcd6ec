#!/usr/bin/env bash
# One-time set-up of a Debian 12 machine for building and testing on Linux
# (run as root, or with sudo available): apt packages, npm dependencies, the
# pinned Windows node.exe builds, and a Windows 10 Wine prefix.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

APT_PACKAGES=(
  wine wine64                                     # runs Windows node.exe
  g++-mingw-w64-x86-64-posix g++-mingw-w64-i686-posix  # cross-compilers (posix threads)
  binutils-mingw-w64-x86-64 binutils-mingw-w64-i686    # dlltool, objdump
  krb5-kdc krb5-admin-server krb5-user            # private KDC, kadmin.local, kinit
  winbind samba-common-bin                        # winbindd, smbpasswd, ntlm_auth
  python3 curl ca-certificates openssl            # tools; openssl s_server for Schannel tests
  python3-gssapi                                  # SPNEGO client for the HTTP tests
  chromium                                        # headless browser client (driven by playwright-core)
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  log "apt-get install ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

log "npm ci"
npm ci --no-audit --no-fund

for ver in $NODE_WIN_VERSIONS; do
  log "Windows node.exe $ver: $(node_win_exe "$ver")"
done
ensure_wine_prefix
log "set-up done; run: npm test"
