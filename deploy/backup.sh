#!/usr/bin/env bash
# Back up a ClearCheck installation into one dated directory: the audit archive, the PostgreSQL database
# (pg_dump -Fc), the key files with the key history, and the stored files, in that order, with a MANIFEST
# and SHA256SUMS. docs/deployment.md "Backup and restore" is the administrator's step-by-step; restore with
# deploy/restore.sh.
#
#   deploy/backup.sh [--env-file /etc/clearcheck/env] DEST_DIR
#
# Run it as the service account (it reads the key files). The environment (from --env-file, else the
# current one) is the one the services run with: DATABASE_URL, CLEARCHECK_VAR_DIR, the key settings ...
# CLEARCHECK_COMMAND overrides the clearcheck command (default /opt/clearcheck/venv/bin/clearcheck).
#
# Why this order (each later part is a superset of what the earlier parts refer to):
#   1. the audit archive BEFORE the database: every archived chain head is then inside the dumped chain, so
#      `audit verify` after a restore does not report the newest events as cut off;
#   2. the database;
#   3. the key files and the key history AFTER the database: every checkpoint and enterprise code in the dump
#      was signed by a key in this copy (a rotation during the backup lands in the history, which is copied
#      after it);
#   4. the stored files AFTER the database: the database refers to files by their SHA-256, a file is written
#      before the row that names it commits and is never changed or removed, so every file the dump names is
#      already on disk when the copy starts.
set -euo pipefail
umask 077
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

env_file=""
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file) env_file="${2:?--env-file needs a file}"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || die "usage: backup.sh [--env-file FILE] DEST_DIR"
dest_root="$1"
[ -n "$env_file" ] && env_file_load "$env_file"
[ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set: backup.sh backs up a PostgreSQL installation"
command -v pg_dump >/dev/null || die "pg_dump is not installed (Debian: postgresql-client)"
clearcheck_command_set
paths_resolve
[ "$P_ENGINE" = postgresql ] || die "the database is $P_ENGINE, not PostgreSQL: stop the server and copy CLEARCHECK_VAR_DIR instead"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
name="clearcheck-$stamp"
mkdir -p "$dest_root"
work="$dest_root/$name.partial"   # renamed when complete: a half-made backup is never taken for a whole one
[ ! -e "$work" ] && [ ! -e "$dest_root/$name" ] || die "$dest_root/$name exists already"
mkdir "$work"
trap 'rm -rf "$work"' EXIT   # an interrupted or failed backup leaves nothing behind

# 1. The audit archive (daily chain heads and the incremental verification mark).
say "1/4 audit archive: $P_ARCHIVE_DIR"
mkdir "$work/1-audit-archive"
if [ -d "$P_ARCHIVE_DIR" ]; then
  cp -a "$P_ARCHIVE_DIR/." "$work/1-audit-archive/"
fi

# 2. The database, in PostgreSQL's custom format (compressed; pg_restore can restore it into any database).
say "2/4 database (pg_dump -Fc)"
pg_dump --format=custom --no-owner --no-privileges --file="$work/2-database.dump" --dbname="$DATABASE_URL"

# 3. The key files and the key history.
say "3/4 keys"
mkdir "$work/3-keys"
{
  for setting in "${KEY_SETTINGS[@]}"; do
    var="P_KEY_$setting"; path="${!var}"
    [ -f "$path" ] || die "the key file $path ($setting) is missing: nothing it signed would verify after a restore"
    cp -p "$path" "$work/3-keys/$setting"
    printf 'key.%s=3-keys/%s\n' "$setting" "$setting"
  done
  if [ -f "$P_HISTORY_FILE" ]; then
    cp -p "$P_HISTORY_FILE" "$work/3-keys/history.json"
    printf 'key_history=3-keys/history.json\n'
  else
    printf 'key_history=none\n'   # no key was ever rotated
  fi
  i=0
  for path in "${RETIRED[@]}"; do
    cp -p "$path" "$work/3-keys/retired-code-$i.pem"
    printf 'retired_code_key.%d=3-keys/retired-code-%d.pem\n' "$i" "$i"
    i=$((i + 1))
  done
  if [ -n "$env_file" ]; then
    # DJANGO_SECRET_KEY and CLEARCHECK_SECOND_FACTOR_KEY: without them every second factor is enrolled again.
    cp -p "$env_file" "$work/3-keys/env"
    printf 'env_file=3-keys/env\n'
  fi
} > "$work/keys.list"

# 4. The stored files (evidence, imports, documents, draw frames), without the spool of unfinished uploads.
say "4/4 stored files: $P_MEDIA_ROOT"
mkdir "$work/4-files"
if [ -d "$P_MEDIA_ROOT" ]; then
  for entry in "$P_MEDIA_ROOT"/* "$P_MEDIA_ROOT"/.[!.]*; do
    [ -e "$entry" ] || continue
    [ "$(basename "$entry")" = uploads ] && continue
    cp -a "$entry" "$work/4-files/"
  done
fi

files="$(find "$work/4-files" -type f | wc -l)"
{
  printf '# ClearCheck backup. Restore with deploy/restore.sh; docs/deployment.md "Backup and restore".\n'
  printf '# Parts in the order they were taken: 1-audit-archive, 2-database.dump, 3-keys, 4-files.\n'
  printf 'format=clearcheck-backup-1\n'
  printf 'created_at=%s\n' "$stamp"
  printf 'host=%s\n' "$(hostname)"
  printf 'clearcheck_version=%s\n' "$P_VERSION"
  printf 'pg_dump=%s\n' "$(pg_dump --version)"
  printf 'database=2-database.dump\n'
  printf 'stored_files=%s\n' "$files"
  printf 'source.media_root=%s\n' "$P_MEDIA_ROOT"
  printf 'source.audit_archive_dir=%s\n' "$P_ARCHIVE_DIR"
  cat "$work/keys.list"
} > "$work/MANIFEST"
rm "$work/keys.list"

say "checksums"
(cd "$work" && find . -type f ! -name SHA256SUMS -printf '%P\0' | sort -z | xargs -0 -r sha256sum --) > "$work/SHA256SUMS"
if ! bad="$(blob_names_check "$work/SHA256SUMS")"; then
  printf 'warning: stored files whose content no longer matches their name (R18):\n%s\n' "$bad" >&2
fi
mv "$work" "$dest_root/$name"
trap - EXIT
say "backup complete: $dest_root/$name ($files stored files)"
printf '%s\n' "$dest_root/$name"
