#!/usr/bin/env bash
# Usage: realm.sh start DIR | realm.sh stop DIR
# A private test realm on loopback, all state under DIR, no system config touched:
#  - an MIT KDC for SSPI.TEST with users alice and bob, HTTP/localhost in a keytab,
#    and a ticket cache per user;
#  - a standalone Samba passdb user and winbindd, reached by Wine's NTLM through an
#    ntlm_auth wrapper on PATH (Wine's msv1_0 runs `ntlm_auth` from PATH);
#  - a TLS server (openssl s_server) for the Schannel client, and the same
#    certificate as a PFX for Schannel server credentials.
# `start` writes DIR/env.sh, which exports what the tests and Wine need.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: realm.sh start|stop DIR"

REALM=SSPI.TEST
NETBIOS=SSPITEST
PASSWORD_ALICE='Alice-Pw1!'
PASSWORD_BOB='Bob-Pw2!'
NTLM_USER=root  # tdbsam needs an existing Unix account; root always exists
NTLM_PASSWORD='Ntlm-Pw3!'
WINBINDD_SOCKET_DIR=/run/samba/winbindd  # fixed: libwbclient ignores the config here

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_pidfile() {
  local pidfile=$1
  [ -f "$pidfile" ] || return 0
  local pid; pid=$(cat "$pidfile")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

stop_winbind() {
  stop_pidfile "$dir/samba/pid/winbindd.pid"
  # winbindd forks helpers that outlive the parent for a moment.
  pkill -f "winbindd -s $dir/smb.conf" 2>/dev/null || true
  for _ in $(seq 50); do pgrep -f "winbindd -s $dir/smb.conf" >/dev/null || break; sleep 0.1; done
}

stop() {
  bash "$(dirname "${BASH_SOURCE[0]}")/tls-server.sh" stop "$dir/tls"
  stop_pidfile "$dir/kdc.pid"
  stop_winbind
}

# Fault injection (scripts/fault-injection.sh): the same KDC (port, database)
# and winbindd stopped and started again under a running realm.
restart_kdc() {
  KRB5_CONFIG="$dir/krb5.conf" KRB5_KDC_PROFILE="$dir/kdc.conf" krb5kdc -r "$REALM" -P "$dir/kdc.pid"
  for _ in $(seq 50); do [ -s "$dir/kdc.pid" ] && break; sleep 0.1; done
  [ -s "$dir/kdc.pid" ] || die "krb5kdc did not restart; see $dir/kdc.log"
}

restart_winbind() {
  winbindd -s "$dir/smb.conf" -D
  for _ in $(seq 100); do wbinfo -p >/dev/null 2>&1 && break; sleep 0.1; done
  wbinfo -p >/dev/null 2>&1 || die "winbindd did not restart"
}

start_kdc() {
  local port; port=$(free_port)
  mkdir -p "$dir"
  cat >"$dir/krb5.conf" <<CONF
[libdefaults]
  default_realm = $REALM
  dns_lookup_realm = false
  dns_lookup_kdc = false
  rdns = false
  dns_canonicalize_hostname = false
  udp_preference_limit = 1
[realms]
  $REALM = {
    kdc = 127.0.0.1:$port
  }
[domain_realm]
  localhost = $REALM
  .localhost = $REALM
CONF
  cat >"$dir/kdc.conf" <<CONF
[kdcdefaults]
  kdc_listen = 127.0.0.1:$port
  kdc_tcp_listen = 127.0.0.1:$port
[realms]
  $REALM = {
    database_name = $dir/principal
    key_stash_file = $dir/stash
    acl_file = $dir/kadm5.acl
    max_life = 10h
    max_renewable_life = 7d
    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
  }
[logging]
  kdc = FILE:$dir/kdc.log
CONF
  : >"$dir/kadm5.acl"
  export KRB5_CONFIG="$dir/krb5.conf" KRB5_KDC_PROFILE="$dir/kdc.conf"
  # A restart in the same DIR starts from a fresh database.
  rm -f "$dir"/principal* "$dir/stash"
  kdb5_util create -s -r "$REALM" -P "master-$RANDOM$RANDOM" >/dev/null 2>&1
  kadmin.local -q "addprinc -pw $PASSWORD_ALICE alice" >/dev/null 2>&1
  kadmin.local -q "addprinc -pw $PASSWORD_BOB bob" >/dev/null 2>&1
  kadmin.local -q "addprinc -randkey HTTP/localhost" >/dev/null 2>&1
  kadmin.local -q "ktadd -k $dir/http.keytab HTTP/localhost" >/dev/null 2>&1
  krb5kdc -r "$REALM" -P "$dir/kdc.pid"
  for _ in $(seq 50); do [ -s "$dir/kdc.pid" ] && break; sleep 0.1; done
  [ -s "$dir/kdc.pid" ] || die "krb5kdc did not start; see $dir/kdc.log"
  echo "$PASSWORD_ALICE" | KRB5CCNAME="FILE:$dir/alice.ccache" kinit alice >/dev/null
  echo "$PASSWORD_BOB" | KRB5CCNAME="FILE:$dir/bob.ccache" kinit bob >/dev/null
  KDC_PORT=$port
}

start_winbind() {
  [ -S "$WINBINDD_SOCKET_DIR/pipe" ] && pgrep -x winbindd >/dev/null &&
    die "a winbindd is already running (socket $WINBINDD_SOCKET_DIR); stop it first"
  local s="$dir/samba"
  mkdir -p "$s"/{lock,state,cache,pid,private,log,ncalrpc,bin} /run/samba
  cat >"$dir/smb.conf" <<CONF
[global]
  workgroup = $NETBIOS
  netbios name = $NETBIOS
  server role = standalone server
  passdb backend = tdbsam:$s/private/passdb.tdb
  private dir = $s/private
  lock directory = $s/lock
  state directory = $s/state
  cache directory = $s/cache
  pid directory = $s/pid
  ncalrpc dir = $s/ncalrpc
  log file = $s/log/%m.log
  interfaces = lo
  bind interfaces only = yes
CONF
  printf '%s\n%s\n' "$NTLM_PASSWORD" "$NTLM_PASSWORD" | smbpasswd -c "$dir/smb.conf" -a -s "$NTLM_USER" >/dev/null
  cat >"$s/bin/ntlm_auth" <<SH
#!/bin/sh
exec /usr/bin/ntlm_auth --configfile=$dir/smb.conf "\$@"
SH
  chmod +x "$s/bin/ntlm_auth"
  winbindd -s "$dir/smb.conf" -D
  for _ in $(seq 100); do wbinfo -p >/dev/null 2>&1 && break; sleep 0.1; done
  wbinfo -p >/dev/null 2>&1 || die "winbindd did not answer; see $s/log"
}

case "$cmd" in
  start)
    dir=$(mkdir -p "$dir" && cd "$dir" && pwd)
    # A start that fails half-way (die, or any error) stops what it started.
    started=0
    trap '[ "$started" = 1 ] || stop' EXIT
    start_kdc
    start_winbind
    bash "$ROOT/scripts/tls-server.sh" start "$dir/tls"
    cat >"$dir/env.sh" <<ENV
export KRB5_CONFIG='$dir/krb5.conf'
export KRB5_KDC_PROFILE='$dir/kdc.conf'
export KRB5CCNAME='FILE:$dir/alice.ccache'
export KRB5_KTNAME='FILE:$dir/http.keytab'
export PATH='$dir/samba/bin':"\$PATH"
export SSPI_TEST_REALM='$REALM'
export SSPI_TEST_KDC_PORT='$KDC_PORT'
export SSPI_TEST_SPN='HTTP/localhost'
export SSPI_TEST_KRB_USERS='alice,bob'
export SSPI_TEST_KRB_CCACHE_ALICE='FILE:$dir/alice.ccache'
export SSPI_TEST_KRB_CCACHE_BOB='FILE:$dir/bob.ccache'
export SSPI_TEST_KRB_PASSWORD_ALICE='$PASSWORD_ALICE'
export SSPI_TEST_KRB_PASSWORD_BOB='$PASSWORD_BOB'
export SSPI_TEST_NTLM_USER='$NTLM_USER'
export SSPI_TEST_NTLM_DOMAIN='$NETBIOS'
export SSPI_TEST_NTLM_PASSWORD='$NTLM_PASSWORD'
source '$dir/tls/env.sh'
ENV
    started=1
    log "realm $REALM up: KDC 127.0.0.1:$KDC_PORT, winbindd for $NETBIOS, TLS server (scripts/tls-server.sh); env in $dir/env.sh"
    ;;
  stop) stop ;;
  kdc-stop) stop_pidfile "$dir/kdc.pid" ;;
  kdc-start) restart_kdc ;;
  winbind-stop) stop_winbind ;;
  winbind-start) restart_winbind ;;
  *) die "usage: realm.sh start|stop|kdc-stop|kdc-start|winbind-stop|winbind-start DIR" ;;
esac
