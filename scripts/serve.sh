#!/usr/bin/env bash
# Install into .venv, create the SQLite database with demo data if it is missing, serve on 127.0.0.1:5000.
source "$(dirname "$0")/_bootstrap.sh"
ensure_venv
cd "$ROOT"
mkdir -p instance
export FLASK_APP=netapp
if [ ! -f instance/secret_key ]; then
  "$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(48))' > instance/secret_key
  chmod 600 instance/secret_key
fi
export SECRET_KEY="${SECRET_KEY:-$(cat instance/secret_key)}"
NEW_DB=0
[ -f instance/netapp.sqlite3 ] || NEW_DB=1
log "Bringing the database schema up to date"
"$VENV/bin/flask" db upgrade >/dev/null
"$VENV/bin/flask" seed-places
if [ "$NEW_DB" = 1 ]; then
  log "Creating demo data"
  "$VENV/bin/flask" seed-demo --if-empty
fi
log "Starting the task queue's worker"
"$VENV/bin/python" -m netapp.worker &
WORKER=$!
# The worker stops with the web server, however that ends (Ctrl+C, an error, a signal).
stop_worker() { kill "$WORKER" 2>/dev/null || true; wait "$WORKER" 2>/dev/null || true; }
trap stop_worker EXIT
log "Serving on http://127.0.0.1:${PORT:-5000} (Ctrl+C to stop)"
"$VENV/bin/waitress-serve" --host 127.0.0.1 --port "${PORT:-5000}" --call netapp:create_app
