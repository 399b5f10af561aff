# Shared by deploy/backup.sh and deploy/restore.sh (sourced, not run): the environment file, the clearcheck
# command and the paths the settings resolve. Not for use on its own.

die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }
say() { printf '==> %s\n' "$*"; }

# KEY=VALUE lines as systemd's EnvironmentFile= reads them (comments and blank lines skipped); the values are
# taken literally, never evaluated by the shell.
env_file_load() {
  local file="$1" line key value
  [ -r "$file" ] || die "cannot read the environment file $file"
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line#"${line%%[![:space:]]*}"}"
    case "$line" in ''|'#'*) continue ;; esac
    key="${line%%=*}"; value="${line#*=}"
    [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "$file: not a KEY=VALUE line: $line"
    value="${value%\"}"; value="${value#\"}"
    export "$key=$value"
  done < "$file"
}

# The clearcheck command: CLEARCHECK_COMMAND (words), else the installed one, else `clearcheck` on PATH.
clearcheck_command_set() {
  if [ -n "${CLEARCHECK_COMMAND:-}" ]; then
    read -ra CLEARCHECK <<< "$CLEARCHECK_COMMAND"
  elif [ -x /opt/clearcheck/venv/bin/clearcheck ]; then
    CLEARCHECK=(/opt/clearcheck/venv/bin/clearcheck)
  else
    CLEARCHECK=(clearcheck)
  fi
}

# Ask the settings (the same environment the services run with) where everything lives. Sets P_ENGINE,
# P_MEDIA_ROOT, P_ARCHIVE_DIR, P_HISTORY_FILE, P_VERSION, P_KEY_<SETTING> and P_RETIRED_<n>.
paths_resolve() {
  local code out name value
  code='
from importlib.metadata import version
from django.conf import settings as s
from clearcheck.core.keys import key_files, key_history_path
rows = [("ENGINE", s.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]), ("MEDIA_ROOT", s.MEDIA_ROOT),
        ("ARCHIVE_DIR", s.CLEARCHECK["AUDIT_ARCHIVE_DIR"]), ("HISTORY_FILE", key_history_path()),
        ("VERSION", version("clearcheck"))]
rows += [("KEY_" + k.setting, k.path) for k in key_files()]
rows += [("RETIRED_%d" % i, p) for i, p in enumerate(s.CLEARCHECK.get("CODE_RETIRED_PUBLIC_KEY_FILES", []))]
for name, value in rows:
    print("CCPATH", name, value, sep="\t")
'
  out="$("${CLEARCHECK[@]}" shell --no-imports -c "$code")" || die "the settings could not be read (${CLEARCHECK[*]} shell)"
  KEY_SETTINGS=(); RETIRED=()
  while IFS=$'\t' read -r marker name value; do
    [ "$marker" = CCPATH ] || continue
    printf -v "P_$name" '%s' "$value"
    case "$name" in KEY_*) KEY_SETTINGS+=("${name#KEY_}") ;; RETIRED_*) RETIRED+=("$value") ;; esac
  done <<< "$out"
  [ -n "${P_MEDIA_ROOT:-}" ] || die "the settings named no MEDIA_ROOT"
}

# Stored files are content-addressed (MEDIA_ROOT/evidence|imports/<ab>/<sha256>): report every file whose
# SHA-256 (from a SHA256SUMS file) is not its name (R18: altered or corrupted on disk). Prints them; returns 1.
blob_names_check() {
  awk '{ path = $2; sub(/^\*/, "", path); n = split(path, part, "/");
         if (path ~ /(^|\/)(evidence|imports)\/[0-9a-f][0-9a-f]\/[0-9a-f]+$/ && part[n] != $1) { print path; bad = 1 } }
       END { exit bad }' "$1"
}
