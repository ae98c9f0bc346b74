#!/usr/bin/env bash
# A backup of the CSP tracker: the database (pg_dump, custom format), a count of every table's rows to check
# a restore against, and the media folder (report PDFs, including every issued copy). Old backups are
# deleted after BACKUP_KEEP_DAYS days. Run daily (the compose service `backup` does; or cron).
#
#   DATABASE_URL=postgres://user:pass@host:5432/csp BACKUP_DIR=/backups [MEDIA_ROOT=/app/media] \
#     [BACKUP_KEEP_DAYS=14] deploy/backup.sh
#
# Writes BACKUP_DIR/csp-YYYYMMDDTHHMMSSZ.dump, .counts and (with MEDIA_ROOT) -media.tar.gz; prints the dump's
# name. Restore with deploy/restore.sh (README, "Backups and restore").
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
: "${BACKUP_DIR:?set BACKUP_DIR to where backups are kept}"
keep_days="${BACKUP_KEEP_DAYS:-14}"
case "$keep_days" in '' | *[!0-9]*) echo "BACKUP_KEEP_DAYS must be a whole number of days" >&2; exit 2 ;; esac
here="$(cd "$(dirname "$0")" && pwd)"

mkdir -p "$BACKUP_DIR"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
base="$BACKUP_DIR/csp-$stamp"

# Written under a temporary name and renamed once complete: a half-written dump never looks like a backup.
pg_dump --dbname="$DATABASE_URL" --format=custom --no-owner --no-privileges --file="$base.dump.partial"
psql --dbname="$DATABASE_URL" --no-psqlrc --quiet --tuples-only --no-align --field-separator=' ' \
  --file="$here/table_counts.sql" >"$base.counts.partial"
if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  tar -czf "$base-media.tar.gz.partial" -C "$MEDIA_ROOT" .
  mv "$base-media.tar.gz.partial" "$base-media.tar.gz"
fi
mv "$base.counts.partial" "$base.counts"
mv "$base.dump.partial" "$base.dump"

find "$BACKUP_DIR" -maxdepth 1 -name 'csp-*' -type f -mtime "+$keep_days" -delete
echo "$base.dump"
