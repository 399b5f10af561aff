"""The content-addressed store (R18): one file per SHA-256, written once and read-only, every read checked."""

import hashlib
import os

import pytest

from clearcheck.core.blobs import (
    PREFIX,
    BlobCorrupted,
    blob_check,
    blob_exists,
    blob_path,
    blob_put,
    blob_put_file,
    blob_read,
    blob_stream,
    blob_verify,
    file_sha256,
)


def _flip_byte(sha256: str, at: int = 1) -> None:
    path = blob_path(sha256)
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_blob_is_named_by_its_sha256_under_media_root(settings):
    digest = blob_put(b"evidence")
    assert digest == hashlib.sha256(b"evidence").hexdigest()
    assert blob_path(digest) == settings.MEDIA_ROOT / PREFIX / digest[:2] / digest
    assert blob_exists(digest) and blob_read(digest) == b"evidence"
    assert oct(blob_path(digest).stat().st_mode & 0o777) == "0o444"  # read-only once written


@pytest.mark.parametrize("name", ["", "abc", "G" * 64, "A" * 64, "../" + "a" * 61])
def test_a_name_that_is_no_sha256_hex_digest_is_refused(name):
    with pytest.raises(ValueError):
        blob_path(name)


def test_a_stored_blob_is_not_replaced_even_by_the_right_bytes():
    """Never overwritten: a damaged blob stays as found (for investigation) and keeps failing its check."""
    data = b"a photo" * 100
    digest = blob_put(data)
    _flip_byte(digest)
    assert blob_put(data) == digest
    assert not blob_verify(digest)


def test_a_changed_or_missing_blob_is_corrupted_on_every_read():
    digest = blob_put(b"abcdef")
    assert blob_check(digest) == blob_path(digest)
    _flip_byte(digest)
    for read in (blob_read, blob_check, lambda d: b"".join(blob_stream(d))):
        with pytest.raises(BlobCorrupted):
            read(digest)
    blob_path(digest).unlink()
    assert not blob_verify(digest) and not blob_exists(digest)
    with pytest.raises(BlobCorrupted):
        blob_read(digest)
    reported = []
    with pytest.raises(BlobCorrupted):
        list(blob_stream(digest, on_corrupt=reported.append))
    assert reported == [digest]


def test_blob_stream_of_a_small_file():
    digest = blob_put(b"abc")
    assert list(blob_stream(digest, block=2)) == [b"ab", b"c"]


def test_a_streamed_corrupted_blob_never_reaches_the_reader_in_full():
    data = bytes(range(256)) * 40
    digest = blob_put(data)
    _flip_byte(digest, at=len(data) - 5)
    got, reported = [], []
    with pytest.raises(BlobCorrupted):
        for block in blob_stream(digest, block=1024, on_corrupt=reported.append):
            got.append(block)
    assert len(b"".join(got)) < len(data) and reported == [digest]


@pytest.mark.parametrize("move", [False, True])
def test_a_file_is_stored_by_streaming_copied_or_moved(tmp_path, move):
    source = tmp_path / "upload.part"
    source.write_bytes(b"video" * 1000)
    digest = blob_put_file(source, move=move, sha256=file_sha256(source))
    assert blob_read(digest) == b"video" * 1000
    assert source.exists() is not move
    again = tmp_path / "again.part"
    again.write_bytes(b"video" * 1000)
    assert blob_put_file(again, move=True) == digest and not again.exists()  # stored once; the copy is dropped
