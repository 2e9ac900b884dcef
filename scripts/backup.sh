#!/usr/bin/env bash
# Back up the site's PostgreSQL database with pg_dump (custom format, compressed).
#
#   DATABASE_URL=postgresql://user:pass@host:5432/netapp scripts/backup.sh [FOLDER]
#
# Writes FOLDER/netapp-YYYYMMDDTHHMMSSZ.dump (FOLDER defaults to BACKUP_DIR, else ./backups),
# readable only by the user running it, checks that pg_restore can read it back, and keeps the
# newest KEEP backups (default 14), deleting older ones. Prints the new file's path.
# Restore with pg_restore: see docs/deploy.md, "Backups and restoring".
set -euo pipefail

: "${DATABASE_URL:?Set DATABASE_URL to the database to back up (postgresql://...)}"
FOLDER="${1:-${BACKUP_DIR:-./backups}}"
KEEP="${KEEP:-14}"

# The app's URL may name its Python driver (postgresql+psycopg://); pg_dump wants plain libpq.
url="$DATABASE_URL"
url="${url/#postgresql+psycopg:\/\//postgresql://}"
url="${url/#postgres:\/\//postgresql://}"
case "$url" in
  postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL must be a PostgreSQL URL, not ${url%%:*}://..." >&2; exit 2 ;;
esac

umask 077
mkdir -p "$FOLDER"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$FOLDER/netapp-$stamp.dump"
partial="$target.partial"
trap 'rm -f "$partial"' EXIT

# --no-owner/--no-privileges: the dump restores into a database owned by whoever restores it.
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$partial" --dbname="$url"
# A dump that pg_restore can't list is no backup: fail loudly rather than keep it.
pg_restore --list "$partial" >/dev/null
mv "$partial" "$target"

# Keep the newest $KEEP backups (names sort by time).
mapfile -t old < <(ls -1 "$FOLDER"/netapp-*.dump 2>/dev/null | sort -r | tail -n +"$((KEEP + 1))")
if [ "${#old[@]}" -gt 0 ]; then rm -f -- "${old[@]}"; fi

echo "$target"
