"""Content-addressed store of evidence and signature images: ``MEDIA_ROOT/evidence/<sha256[:2]>/<sha256>``.

R18: a stored file is never overwritten (same bytes → same name; the file is read-only once written),
and reading re-hashes it, so a corrupted or altered file is detected instead of being served.
"""

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

PREFIX = "evidence"
CHUNK = 1024 * 1024


class BlobCorrupted(Exception):
    """The stored bytes no longer hash to their name (R18)."""

    def __init__(self, sha256: str):
        super().__init__(f"证据文件 {sha256[:12]}… 已损坏或被改动(SHA-256 不符)")
        self.sha256 = sha256


def blob_path(sha256: str) -> Path:
    """Where the blob with digest ``sha256`` lives."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return Path(settings.MEDIA_ROOT) / PREFIX / sha256[:2] / sha256


def blob_exists(sha256: str) -> bool:
    """Whether a blob of this digest is stored."""
    return blob_path(sha256).exists()


def _install(tmp: str, path: Path) -> None:
    """Move a finished temporary file into place, read-only; never replace an existing blob."""
    os.chmod(tmp, 0o444)
    if path.exists():
        Path(tmp).unlink(missing_ok=True)  # same digest, same bytes: keep the first copy
        return
    os.replace(tmp, path)


def blob_put(data: bytes) -> str:
    """Store ``data`` once; return its SHA-256 (hex). Idempotent."""
    sha256 = hashlib.sha256(data).hexdigest()
    path = blob_path(sha256)
    if path.exists():
        return sha256
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename: a reader never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".blob-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        _install(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sha256


def blob_put_file(source: Path) -> str:
    """Store the file at ``source`` (e.g. an assembled chunked upload) by streaming; returns its SHA-256."""
    digest = hashlib.sha256()
    with open(source, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    sha256 = digest.hexdigest()
    path = blob_path(sha256)
    if path.exists():
        return sha256
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".blob-")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        _install(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sha256


def blob_read(sha256: str) -> bytes:
    """The bytes of a stored blob, checked against its digest (``BlobCorrupted`` when they differ)."""
    data = blob_path(sha256).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BlobCorrupted(sha256)
    return data


def blob_verify(sha256: str) -> bool:
    """Whether the stored blob still hashes to its name (streams; for large video)."""
    digest = hashlib.sha256()
    with open(blob_path(sha256), "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest() == sha256
