# A throw-away PostgreSQL server for tests (sourced): initdb in a temporary folder, as the
# unprivileged postgres user when run as root, listening on a free loopback port only.
#   pg_start            sets PG_BIN, PG_DIR, PG_PORT; stops the server on exit
#   pg_psql DB [ARGS]   psql as the superuser over the server's socket
pg_start() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [[ -x "$PG_BIN/initdb" ]] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; return 1; }
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hopnhat-pg-XXXXXX")
  chmod 755 "$PG_DIR"
  PG_AS=()
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$PG_DIR"
    PG_AS=(runuser -u postgres --)
  fi
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  (
    cd "$PG_DIR"  # the postgres user may not enter the test's own folder
    "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    printf 'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n' | "${PG_AS[@]}" tee "$PG_DIR/data/pg_hba.conf" >/dev/null
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  )
  trap 'pg_stop; rm -rf "$WORK"' EXIT
}

pg_stop() {
  [[ -n "${PG_DIR:-}" ]] || return 0
  (cd "$PG_DIR" && "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1) || true
  rm -rf "$PG_DIR"
}

pg_psql() {
  local db=$1
  shift
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U postgres -d "$db" "$@"
}
