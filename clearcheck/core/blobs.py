"""Content-addressed file store (SHA-256) that every app may use: evidence and signature images, the
frames and pseudonym maps of draws. Files live at ``MEDIA_ROOT/evidence/<sha256[:2]>/<sha256>`` (the
folder keeps the name it had when only evidence was stored, so no file moves).

R18: a stored file is never overwritten (same bytes → same name; the file is read-only once written),
and reading re-hashes it, so a corrupted or altered file is detected instead of being served. A missing
file counts as corrupted too. Large files are checked while they stream (``blob_stream``), holding the
last block back until the digest is known, so a corrupted file never reaches a reader in full.
"""

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
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


def file_sha256(source: Path) -> str:
    """The SHA-256 (hex) of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(source, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def blob_put_file(source: Path, *, move: bool = False, sha256: str | None = None) -> str:
    """Store the file at ``source`` (e.g. an assembled chunked upload) by streaming; returns its SHA-256.

    ``move``: rename ``source`` into the store instead of copying it (a 2 GB video is not written twice;
    falls back to a copy across file systems). ``sha256``: the digest the caller has just computed of
    ``source`` (saves a second read); every read of the blob re-checks it anyway.
    """
    sha256 = sha256 or file_sha256(source)
    path = blob_path(sha256)
    if path.exists():
        if move:
            Path(source).unlink(missing_ok=True)
        return sha256
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".blob-")
    os.close(fd)
    try:
        moved = False
        if move:
            try:
                os.replace(source, tmp)
                moved = True
            except OSError:
                pass  # another file system: copy below
        if not moved:
            shutil.copyfile(source, tmp)
            if move:
                Path(source).unlink(missing_ok=True)
        _install(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sha256


def blob_read(sha256: str) -> bytes:
    """The bytes of a stored blob, checked against its digest (``BlobCorrupted`` when they differ or the
    file is gone).
    """
    try:
        data = blob_path(sha256).read_bytes()
    except FileNotFoundError:
        raise BlobCorrupted(sha256) from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BlobCorrupted(sha256)
    return data


def blob_verify(sha256: str) -> bool:
    """Whether the stored blob still hashes to its name (streams; for large video). A missing blob fails."""
    digest = hashlib.sha256()
    try:
        with open(blob_path(sha256), "rb") as handle:
            while block := handle.read(CHUNK):
                digest.update(block)
    except FileNotFoundError:
        return False
    return digest.hexdigest() == sha256


def blob_check(sha256: str) -> Path:
    """The path of a stored blob after checking its digest; ``BlobCorrupted`` when it no longer matches."""
    if not blob_verify(sha256):
        raise BlobCorrupted(sha256)
    return blob_path(sha256)


def blob_stream(sha256: str, *, block: int = 64 * 1024,
                on_corrupt: Callable[[str], None] | None = None) -> Iterator[bytes]:
    """Yield a stored blob's bytes while hashing them; the last block is held back until the digest is
    known. On a mismatch ``on_corrupt(sha256)`` runs and ``BlobCorrupted`` is raised instead of the last
    block, so the reader gets a short (failed) transfer, never the whole corrupted file.
    """
    digest = hashlib.sha256()
    try:
        handle = open(blob_path(sha256), "rb")  # noqa: SIM115 (closed in the finally below, as the generator ends)
    except FileNotFoundError:
        if on_corrupt:
            on_corrupt(sha256)
        raise BlobCorrupted(sha256) from None
    try:
        pending = handle.read(block)
        while pending:
            digest.update(pending)
            following = handle.read(block)
            if not following:
                break
            yield pending
            pending = following
        if digest.hexdigest() != sha256:
            if on_corrupt:
                on_corrupt(sha256)
            raise BlobCorrupted(sha256)
        if pending:
            yield pending
    finally:
        handle.close()
