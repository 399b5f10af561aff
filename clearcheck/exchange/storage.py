"""Content-addressed store of uploaded files: ``MEDIA_ROOT/imports/<sha256[:2]>/<sha256>``.

Storing the same bytes twice is a no-op; a stored file is never overwritten with other bytes,
so an import's evidence cannot silently change.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings

PREFIX = "imports"


def file_relative_path(sha256: str) -> str:
    """Where the file with digest ``sha256`` lives, relative to MEDIA_ROOT."""
    return f"{PREFIX}/{sha256[:2]}/{sha256}"


def file_absolute_path(relative: str) -> Path:
    """The absolute path of a stored file (``relative`` as kept in ``ImportJob.stored_path``)."""
    return Path(settings.MEDIA_ROOT) / relative


def file_store(data: bytes) -> tuple[str, Path]:
    """Store ``data`` once; return its SHA-256 (hex) and its absolute path. Idempotent."""
    sha256 = hashlib.sha256(data).hexdigest()
    path = file_absolute_path(file_relative_path(sha256))
    if path.exists() and path.stat().st_size == len(data):
        return sha256, path
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename: a reader never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o444)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sha256, path
