#!/usr/bin/env bash
# Install what the tests need (PostgreSQL, Chromium and wrk from Debian when missing, Python packages into
# .venv), start a throwaway PostgreSQL on 127.0.0.1, and run the whole suite. Extra arguments go to pytest.
source "$(dirname "$0")/_bootstrap.sh"

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

missing=()
pg_bin >/dev/null || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v wrk >/dev/null || missing+=(wrk)  # the load test's own test (tests/test_load_bench.py)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
ensure_venv test
cd "$ROOT"

PGBIN="$(pg_bin)"
id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
PGDIR="$(mktemp -d /tmp/netapp-pg.XXXXXX)"
chown postgres "$PGDIR"
PGPORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_pg() {
  as_postgres "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap stop_pg EXIT
log "Starting a throwaway PostgreSQL on 127.0.0.1:$PGPORT"
as_postgres "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U app --no-sync >/dev/null
as_postgres "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
  -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
export TEST_DATABASE_URL="postgresql+psycopg://app@127.0.0.1:$PGPORT/postgres"
export CHROMIUM_PATH=/usr/bin/chromium

log "Running the test suite"
set +e
# Two processes (pytest-xdist), one per core, each test file kept in one process; each process
# has its own PostgreSQL database (tests/conftest.py). TEST_PROCESSES=1 runs in one process.
PROCESSES="${TEST_PROCESSES:-2}"
if [ "$PROCESSES" -gt 1 ]; then
  set -- -n "$PROCESSES" --dist loadfile "$@"
fi
"$VENV/bin/python" -m pytest --durations=15 "$@"
status=$?
set -e
exit "$status"
