"""The chain's head kept outside the database, and the mark of the last verification (issue 20, Deliver 8).

Deleting the newest events together with their checkpoints and the chain head leaves a shorter chain that
verifies on its own. What catches it is a copy of an earlier head kept where the database's owner cannot
rewrite it: ``audit_head_archive`` writes the newest signed checkpoint once a day into the archive folder
(``CLEARCHECK_AUDIT_ARCHIVE_DIR``, meant for a write-once or off-server mount), never overwriting a day's
file; the public portal publishes the same files for anyone to mirror; ``audit verify`` compares the chain
with the newest archived head by default.

The mark (``verified.json`` in the same folder) is the length and head hash of the chain as last verified;
``audit verify --incremental`` starts there and reads only the newer events. It is a file, not a row:
verification never writes to the database.
"""

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path

from django.conf import settings

from .chain import checkpoint_document
from .models import Checkpoint

_DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")
MARK_FILE = "verified.json"


def archive_dir() -> Path:
    """The folder of archived heads and of the verification mark."""
    return Path(settings.CLEARCHECK["AUDIT_ARCHIVE_DIR"])


def _write_new(path: Path, document: dict, *, replace: bool) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".audit-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(document, fh, ensure_ascii=False, sort_keys=True, indent=1)
        fh.write("\n")
    if replace:
        os.replace(temp, path)
        return True
    try:
        os.link(temp, path)  # fails when the day's file exists: an archived head is never overwritten
    except FileExistsError:
        return False
    finally:
        os.unlink(temp)
    return True


def audit_head_archive(*, today: dt.date) -> Path | None:
    """Archive the newest signed checkpoint as ``<today>.json``; the path, or None before the first seal.

    Idempotent: a day's file, once written, is kept as it is (run it from the daily timer after the seal).
    """
    latest = Checkpoint.objects.order_by("-length", "-id").first()
    if latest is None:
        return None
    path = archive_dir() / f"{today.isoformat()}.json"
    _write_new(path, checkpoint_document(latest), replace=False)
    return path


def archived_head_days() -> list[dt.date]:
    """The days with an archived head, newest first."""
    folder = archive_dir()
    if not folder.is_dir():
        return []
    days = [dt.date.fromisoformat(m.group(1)) for m in map(_DAY_FILE.match, os.listdir(folder)) if m]
    return sorted(days, reverse=True)


def archived_head(day: dt.date) -> dict | None:
    """The head archived on ``day``, or None."""
    path = archive_dir() / f"{day.isoformat()}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def archived_head_latest() -> dict | None:
    """The newest archived head, or None when nothing was archived yet."""
    days = archived_head_days()
    return archived_head(days[0]) if days else None


def verified_mark() -> dict | None:
    """``{"length", "head", "verified_at"}`` of the last successful incremental verification, or None."""
    path = archive_dir() / MARK_FILE
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def verified_mark_write(*, length: int, head: str, at: dt.datetime) -> None:
    """Keep where the chain verified up to (replaced as a whole: a crash leaves the old mark or the new)."""
    _write_new(archive_dir() / MARK_FILE, {"length": length, "head": head, "verified_at": at.isoformat()},
               replace=True)
