#!/usr/bin/env bash
# The PostgreSQL server the store tests share (a CTest fixture): `start DIR` runs initdb as an
# unprivileged user, listens on a free loopback port, creates the role `hopnhat` (allowed to
# create databases: each test makes its own) and writes the connection URI to DIR/uri;
# `stop DIR` stops it and removes what start made.
#
# The server's own files live in a folder of their own under the temporary directory, never
# under DIR: DIR is in the build folder, and as root the server runs as the `postgres` user, who
# cannot enter a build folder inside a 0700 home (root's, on a fresh machine). DIR/server holds
# that folder's path.
set -euo pipefail
cmd=$1 DIR=$(realpath -m "$2")
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
AS=()
[[ $(id -u) -eq 0 ]] && AS=(runuser -u postgres --)
case "$cmd" in
  start)
    [[ -x "$PG_BIN/initdb" ]] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
    if [[ -f "$DIR/server" ]]; then "$0" stop "$DIR"; fi
    mkdir -p "$DIR"
    SERVER=$(mktemp -d "${TMPDIR:-/tmp}/hopnhat-pg-fixture-XXXXXX")
    echo "$SERVER" > "$DIR/server"
    chmod 755 "$SERVER"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$SERVER"
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cd "$SERVER"  # the postgres user may not be able to enter the caller's folder
    "${AS[@]}" "$PG_BIN/initdb" -D "$SERVER/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    printf 'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n' | "${AS[@]}" tee "$SERVER/data/pg_hba.conf" >/dev/null
    "${AS[@]}" "$PG_BIN/pg_ctl" -D "$SERVER/data" -l "$SERVER/log" -w -t 60 \
      -o "-p $PORT -k $SERVER -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    PW=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SERVER" -p "$PORT" -U postgres -d postgres \
      -c "CREATE ROLE hopnhat LOGIN CREATEDB PASSWORD '$PW'" -c "CREATE DATABASE hopnhat OWNER hopnhat"
    echo "postgresql://hopnhat:$PW@127.0.0.1:$PORT/hopnhat" > "$DIR/uri.tmp" && mv "$DIR/uri.tmp" "$DIR/uri"
    ;;
  stop)
    if [[ -f "$DIR/server" ]]; then
      SERVER=$(cat "$DIR/server")
      case "$SERVER" in
        */hopnhat-pg-fixture-*)
          [[ -d "$SERVER/data" ]] && (cd "$SERVER" && "${AS[@]}" "$PG_BIN/pg_ctl" -D "$SERVER/data" -m immediate stop >/dev/null 2>&1) || true
          rm -rf "$SERVER" ;;
      esac
    fi
    rm -rf "$DIR"
    ;;
esac
