#!/usr/bin/env bash
# Usage: tls-server.sh start|stop DIR
# A TLS test server for the Schannel client tests: a self-signed localhost
# certificate (also as a PFX, for Schannel server credentials) and openssl
# s_server -WWW serving DIR/www over loopback. `start` writes DIR/env.sh.
# Used by realm.sh on Linux and by the Windows workflow (Git for Windows' openssl).
set -euo pipefail
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: tls-server.sh start|stop DIR" >&2; exit 2; }
PFX_PASSWORD='Pfx-Pw4!'
BIG_SIZE=50000

# Paths as the Windows node.exe under test sees them (cygpath on Windows' bash).
native_path() { if command -v cygpath >/dev/null; then cygpath -w "$1"; else echo "$1"; fi; }

free_port() {
  local py; py=$(command -v python3 || command -v python)
  "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop() {
  [ -f "$dir/s_server.pid" ] || return 0
  kill "$(cat "$dir/s_server.pid")" 2>/dev/null || true
  rm -f "$dir/s_server.pid"
}

start() {
  mkdir -p "$dir/www"
  dir=$(cd "$dir" && pwd)
  MSYS_NO_PATHCONV=1 openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
  openssl pkcs12 -export -inkey "$dir/key.pem" -in "$dir/cert.pem" -passout "pass:$PFX_PASSWORD" \
    -out "$dir/server.pfx"
  # Larger than three TLS records, so decryption sees records split across reads.
  head -c "$BIG_SIZE" /dev/zero | tr '\0' 'x' >"$dir/www/big.txt"
  local port=${TLS_PORT:-$(free_port)}
  (cd "$dir/www" && exec openssl s_server -accept "127.0.0.1:$port" -cert "$dir/cert.pem" \
    -key "$dir/key.pem" -WWW -quiet </dev/null >"$dir/s_server.log" 2>&1) &
  echo $! >"$dir/s_server.pid"
  for _ in $(seq 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      cat >"$dir/env.sh" <<ENV
export SSPI_TEST_TLS_PORT='$port'
export SSPI_TEST_TLS_PFX='$(native_path "$dir/server.pfx")'
export SSPI_TEST_TLS_PFX_PASSWORD='$PFX_PASSWORD'
export SSPI_TEST_TLS_CERT='$(native_path "$dir/cert.pem")'
export SSPI_TEST_TLS_BIG_FILE='big.txt'
export SSPI_TEST_TLS_BIG_SIZE='$BIG_SIZE'
ENV
      return 0
    fi
    sleep 0.1
  done
  echo "openssl s_server did not start; see $dir/s_server.log" >&2
  exit 1
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: tls-server.sh start|stop DIR" >&2; exit 2 ;;
esac
