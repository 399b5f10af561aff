"""Backup and restore, rehearsed (issue 21, Deliver 7): deploy/backup.sh saves a county built through the
services (audit archive, database, keys, stored files), deploy/restore.sh puts it into a new database and new
folders, and there the audit chain verifies, the evidence file reads back with its SHA-256, and the
enterprise code still verifies with the restored code key. PostgreSQL only: the scripts use pg_dump and
pg_restore (an embedded SQLite installation is backed up by copying its stopped var folder).
"""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_evidence_support import *  # noqa: F403
from clearcheck.inspections.tests.test_evidence_support import jpeg, meta, sha
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.skipif(not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
                       reason="backup.sh and restore.sh back up PostgreSQL (pg_dump); this run is on SQLite"),
    pytest.mark.skipif(shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
                       reason="pg_dump and pg_restore are not installed here"),
]


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def _env(var: Path, database: str, keys: dict, media: Path, archive: Path) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CLEARCHECK_", "DATABASE_URL"))}
    return {**base, "DATABASE_URL": _url(database), "CLEARCHECK_VAR_DIR": str(var),
            "CLEARCHECK_SIGNING_KEY_FILE": keys["SIGNING_KEY_FILE"],
            "CLEARCHECK_CODE_SIGNING_KEY_FILE": keys["CODE_SIGNING_KEY_FILE"],
            "CLEARCHECK_PSEUDONYM_KEY_FILE": keys["PSEUDONYM_KEY_FILE"],
            "CLEARCHECK_MEDIA_ROOT": str(media), "CLEARCHECK_AUDIT_ARCHIVE_DIR": str(archive),
            "CLEARCHECK_COMMAND": f"{sys.executable} {ROOT / 'manage.py'}"}


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"{args[0]} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture
def new_database():
    name = f"cc_restore_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_restored_copy_verifies_its_audit_chain_its_evidence_and_its_enterprise_code(team, tmp_path, new_database):
    """Issue 21: the chain verified after pg_restore only with the key files restored too, and the evidence
    files were not in the dump. Here the scripts take and restore all of it, in the documented order."""
    from clearcheck.inspections.services.evidence import evidence_add
    from clearcheck.registry.codes import enterprise_code_token

    actor = team["first"]
    data = jpeg(5000, seed=b"backup")
    record = evidence_add(actor=actor, visit_id=team["visit"].pk, content=data, **meta(actor.officer))
    token = enterprise_code_token(team["county"]["code"])
    call_command("audit", "seal")
    call_command("audit", "archive")  # an archived head that the restored chain must reach

    conf = settings.CLEARCHECK
    source = _env(tmp_path / "var", connection.settings_dict["NAME"],
                  {k: conf[k] for k in ("SIGNING_KEY_FILE", "CODE_SIGNING_KEY_FILE", "PSEUDONYM_KEY_FILE")},
                  Path(settings.MEDIA_ROOT), Path(conf["AUDIT_ARCHIVE_DIR"]))
    backup = Path(_run([str(ROOT / "deploy" / "backup.sh"), str(tmp_path / "backups")], source)
                  .stdout.strip().splitlines()[-1])
    assert (backup / "MANIFEST").is_file() and (backup / "2-database.dump").is_file()
    assert (backup / "4-files" / "evidence" / record.sha256[:2] / record.sha256).is_file()

    new = tmp_path / "restored"
    target = _env(new / "var", new_database,
                  {"SIGNING_KEY_FILE": str(new / "keys" / "audit.pem"), "CODE_SIGNING_KEY_FILE": str(new / "keys" / "code.pem"),
                   "PSEUDONYM_KEY_FILE": str(new / "keys" / "pseudonym.key")},
                  new / "files", new / "archive")
    restored = _run([str(ROOT / "deploy" / "restore.sh"), str(backup)], target)
    assert "restore complete" in restored.stdout
    assert list((new / "archive").glob("*.json")), "the archived head was restored"

    # In the restored installation: the evidence reads back whole (blob_read re-hashes it, R18), the
    # enterprise code printed before the backup verifies with the restored code key, and the chain verifies.
    check = (
        "from clearcheck.core.blobs import blob_read\n"
        "from clearcheck.inspections.models import Evidence\n"
        "from clearcheck.registry.codes import enterprise_code_check\n"
        f"e = Evidence.objects.get(pk={record.pk})\n"
        "print('sha', e.sha256, __import__('hashlib').sha256(blob_read(e.sha256)).hexdigest())\n"
        f"c = enterprise_code_check({token!r})\n"
        "print('code', c.valid_signature, c.current)\n"
    )
    out = _run([sys.executable, "manage.py", "shell", "--no-imports", "-c", check], target).stdout
    assert f"sha {sha(data)} {sha(data)}" in out
    assert "code True True" in out
    _run([sys.executable, "manage.py", "audit", "verify"], target)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup_and_never_overwrites_a_key(team, tmp_path, new_database):
    conf = settings.CLEARCHECK
    keys = {k: conf[k] for k in ("SIGNING_KEY_FILE", "CODE_SIGNING_KEY_FILE", "PSEUDONYM_KEY_FILE")}
    source = _env(tmp_path / "var", connection.settings_dict["NAME"], keys, Path(settings.MEDIA_ROOT),
                  Path(conf["AUDIT_ARCHIVE_DIR"]))
    backup = Path(_run([str(ROOT / "deploy" / "backup.sh"), str(tmp_path / "backups")], source)
                  .stdout.strip().splitlines()[-1])
    # Into the live installation's own key files: refused before anything is written.
    same_keys = _env(tmp_path / "new-var", new_database, keys, tmp_path / "new-files", tmp_path / "new-archive")
    refused = subprocess.run([str(ROOT / "deploy" / "restore.sh"), str(backup)], env=same_keys, cwd=ROOT,
                             capture_output=True, text=True, timeout=180)
    assert refused.returncode != 0 and "exists already" in refused.stderr
    assert not (tmp_path / "new-files").exists()
    # A damaged dump: refused at the checksums.
    dump = backup / "2-database.dump"
    dump.chmod(0o600)
    with open(dump, "ab") as handle:
        handle.write(b"x")
    damaged = subprocess.run([str(ROOT / "deploy" / "restore.sh"), str(backup)], env=same_keys, cwd=ROOT,
                             capture_output=True, text=True, timeout=180)
    assert damaged.returncode != 0 and "damaged" in damaged.stderr
