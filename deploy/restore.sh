#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a NEW, empty PostgreSQL database and new (empty or missing)
# directories, then check the audit chain. docs/deployment.md "Backup and restore" is the step-by-step.
#
#   deploy/restore.sh [--env-file /etc/clearcheck/env] BACKUP_DIR
#
# The environment (from --env-file, else the current one) names the TARGET: DATABASE_URL (an existing, empty
# database), CLEARCHECK_VAR_DIR / CLEARCHECK_MEDIA_ROOT, the key settings, CLEARCHECK_AUDIT_ARCHIVE_DIR. It
# never overwrites anything: a database with tables, an existing key file or a non-empty directory stops it.
# Run it with the web server and the timers stopped (or before they are first started).
#
# Order, and why:
#   1. every checksum (SHA256SUMS) first: a damaged backup stops the restore before anything is written;
#   2. the key files and the key history: nothing may ever start against the restored data without the keys
#      that signed it (a server without them refuses to start; one with new keys would sign with keys no
#      printed enterprise code or checkpoint verifies against);
#   3. the stored files, before the database: once the database is there, every file it names is there;
#   4. the audit archive (the chain heads kept outside the database);
#   5. the database (pg_restore, one transaction: all or nothing);
#   6. `clearcheck init --check` and `clearcheck audit verify`: exits 1 when the chain does not verify.
set -euo pipefail
umask 077
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

env_file=""
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file) env_file="${2:?--env-file needs a file}"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || die "usage: restore.sh [--env-file FILE] BACKUP_DIR"
backup="$(cd "$1" && pwd)" || die "no backup directory $1"
[ -f "$backup/MANIFEST" ] && [ -f "$backup/SHA256SUMS" ] || die "$backup is not a complete backup (no MANIFEST or SHA256SUMS)"
grep -qx 'format=clearcheck-backup-1' "$backup/MANIFEST" || die "$backup: unknown backup format"
[ -n "$env_file" ] && env_file_load "$env_file"
[ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL (the new, empty database) is not set"
command -v pg_restore >/dev/null && command -v psql >/dev/null || die "pg_restore and psql are needed (Debian: postgresql-client)"
manifest() { sed -n "s/^$1=//p" "$backup/MANIFEST" | head -1; }

# 1. Checksums.
say "1/6 checksums of $backup"
(cd "$backup" && sha256sum --check --quiet --strict SHA256SUMS) || die "the backup is damaged: a checksum does not match"
if ! bad="$(blob_names_check "$backup/SHA256SUMS")"; then
  printf 'warning: stored files whose content does not match their name (R18), restored as they are:\n%s\n' "$bad" >&2
fi

clearcheck_command_set
paths_resolve
[ "$P_ENGINE" = postgresql ] || die "the target database is $P_ENGINE, not PostgreSQL"

# Nothing is overwritten.
tables="$(psql --no-psqlrc -Atq --dbname="$DATABASE_URL" \
  -c "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")" \
  || die "cannot connect to the target database (create it first: createdb -O clearcheck NAME)"
[ "$tables" = 0 ] || die "the target database is not empty ($tables tables): restore into a new database"
empty_or_missing() { [ ! -e "$1" ] || [ -z "$(ls -A "$1")" ] || die "$2 $1 is not empty: restore into a new directory"; }
empty_or_missing "$P_MEDIA_ROOT" "the stored files' directory"
empty_or_missing "$P_ARCHIVE_DIR" "the audit archive directory"
for setting in "${KEY_SETTINGS[@]}"; do
  var="P_KEY_$setting"
  [ ! -e "${!var}" ] || die "the key file ${!var} exists already: restore into a new key location, never over a key"
  [ -n "$(manifest "key.$setting")" ] || die "the backup holds no $setting"
done
[ ! -e "$P_HISTORY_FILE" ] || die "the key history $P_HISTORY_FILE exists already"

# 2. Keys (mode 0600, as `clearcheck init` makes them).
say "2/6 keys"
for setting in "${KEY_SETTINGS[@]}"; do
  var="P_KEY_$setting"
  install -D -m 600 "$backup/$(manifest "key.$setting")" "${!var}"
done
history="$(manifest key_history)"
if [ -n "$history" ] && [ "$history" != none ]; then
  install -D -m 600 "$backup/$history" "$P_HISTORY_FILE"
fi
i=0
while [ -n "$(manifest "retired_code_key.$i")" ]; do
  target="${RETIRED[$i]:-}"
  if [ -n "$target" ] && [ ! -e "$target" ]; then
    install -D -m 644 "$backup/$(manifest "retired_code_key.$i")" "$target"
  elif [ -z "$target" ]; then
    printf 'warning: %s is a retired code key the target does not name in CLEARCHECK_CODE_RETIRED_PUBLIC_KEY_FILES\n' \
      "$(manifest "retired_code_key.$i")" >&2
  fi
  i=$((i + 1))
done

# 3. Stored files (read-only, as the store writes them).
say "3/6 stored files into $P_MEDIA_ROOT"
mkdir -p "$P_MEDIA_ROOT"
cp -a "$backup/4-files/." "$P_MEDIA_ROOT/"

# 4. The audit archive.
say "4/6 audit archive into $P_ARCHIVE_DIR"
mkdir -p "$P_ARCHIVE_DIR"
cp -a "$backup/1-audit-archive/." "$P_ARCHIVE_DIR/"

# 5. The database, all or nothing.
say "5/6 database (pg_restore)"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$backup/$(manifest database)"

# 6. Checks.
say "6/6 checks"
"${CLEARCHECK[@]}" init --check
"${CLEARCHECK[@]}" audit verify || die "the restored audit chain does not verify (see above); do not start the server"
say "restore complete: the audit chain verifies. Start the services (docs/deployment.md \"Backup and restore\")."
