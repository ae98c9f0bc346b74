#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a NEW database (never over an existing one), and check it:
# every table must hold as many rows as when the backup was made. With MEDIA_ROOT, the media folder is
# restored too (into an empty folder). Connection settings come from libpq's environment (PGHOST, PGPORT,
# PGUSER, PGPASSWORD), as for createdb and psql.
#
#   PGHOST=db PGUSER=csp PGPASSWORD=... deploy/restore.sh /backups/csp-20261202T020000Z.dump csp_restored \
#     [MEDIA_ROOT=/app/media]
#
# Then point the app at it (DATABASE_URL=postgres://.../csp_restored) and run
# `python manage.py migrate --check` and `python manage.py check --database default` (README).
set -euo pipefail

dump="${1:?usage: restore.sh BACKUP.dump NEW_DATABASE}"
database="${2:?usage: restore.sh BACKUP.dump NEW_DATABASE}"
counts="${dump%.dump}.counts"
media="${dump%.dump}-media.tar.gz"
here="$(cd "$(dirname "$0")" && pwd)"
[ -f "$dump" ] || { echo "No backup at $dump" >&2; exit 2; }

createdb "$database"  # fails if it exists: a restore never overwrites a database
pg_restore --dbname="$database" --no-owner --no-privileges --exit-on-error "$dump"

restored="$(mktemp)"
trap 'rm -f "$restored"' EXIT
psql --dbname="$database" --no-psqlrc --quiet --tuples-only --no-align --field-separator=' ' \
  --file="$here/table_counts.sql" >"$restored"
if [ -f "$counts" ]; then
  if ! diff -u "$counts" "$restored"; then
    echo "The restored database's row counts differ from the backup's (above): do not use it." >&2
    exit 1
  fi
  echo "Restored into $database: $(wc -l <"$restored") tables, every row count as when backed up."
else
  echo "Restored into $database ($counts is missing, so the row counts were not checked):"
  cat "$restored"
fi

if [ -n "${MEDIA_ROOT:-}" ] && [ -f "$media" ]; then
  mkdir -p "$MEDIA_ROOT"
  if [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
    echo "$MEDIA_ROOT is not empty: the media were not restored (restore into an empty folder)." >&2
    exit 1
  fi
  tar -xzf "$media" -C "$MEDIA_ROOT"
  echo "Media restored into $MEDIA_ROOT."
fi
