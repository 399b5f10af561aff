"""Helpers of the evidence tests (no tests here): file contents of each type, the metadata an officer
sends, a chunked upload driven through the services, and flipping a byte of a stored blob.
"""

import datetime as dt
import hashlib
import io
import os
import struct

import pytest

from clearcheck.core import clock

# The fixtures (``import *`` them, with noqa F403).
__all__ = ["outsider", "team"]

SITE = ("36.335210", "116.248390")


def jpeg(size: int = 1024, seed: bytes = b"") -> bytes:
    """Bytes a JPEG sniffer accepts, ``size`` long (``seed`` makes them differ)."""
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + seed
    return (head + bytes(range(256)) * (size // 256 + 1))[:size]


def png(size: int = 1024) -> bytes:
    """Bytes of a PNG signature, ``size`` long."""
    head = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    return (head + b"\x00" * size)[:size]


def pdf(size: int = 1024, seed: bytes = b"") -> bytes:
    """Bytes of a PDF, ``size`` long."""
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + seed
    return (head + b"1 0 obj\n<< /Type /Catalog >>\nendobj\n" * (size // 30 + 1))[:size]


def mp4(size: int = 4096, brand: bytes = b"isom") -> bytes:
    """Bytes of an ISO-BMFF file with major brand ``brand`` (mp4 video, ``M4A `` audio, ``3gp4`` …)."""
    ftyp = struct.pack(">I", 24) + b"ftyp" + brand + b"\x00\x00\x02\x00" + brand + brand
    return (ftyp + struct.pack(">I", 8) + b"free" + os.urandom(64) + b"\x00" * size)[:size]


def meta(officer, **overrides) -> dict:
    """The metadata an officer sends with a photo (R18), captured now at the site."""
    values = {
        "kind": "photo", "proves": "车间地面积水,原料未离地存放", "captured_at": clock.now(),
        "latitude": SITE[0], "longitude": SITE[1], "captured_by": officer.pk,
    }
    values.update(overrides)
    return values


def sha(data: bytes) -> str:
    """SHA-256 hex of ``data``."""
    return hashlib.sha256(data).hexdigest()


def upload_all(actor, visit, data: bytes, *, chunk: int = 4096, **overrides):
    """Create a chunked upload of ``data`` and send it chunk by chunk through the services."""
    from clearcheck.inspections.services.evidence_uploads import (
        evidence_upload_append,
        evidence_upload_create,
    )

    values = meta(actor.officer, **overrides)
    upload, _ = evidence_upload_create(actor=actor, visit_id=visit.pk, size=len(data), sha256=sha(data), **values)
    offset = upload.received
    while offset < len(data):
        part = data[offset:offset + chunk]
        upload = evidence_upload_append(actor=actor, upload_id=upload.pk, offset=offset, stream=io.BytesIO(part),
                                        length=len(part))
        offset = upload.received
    return upload


def flip_byte(sha256: str, at: int = 10) -> None:
    """Corrupt a stored blob in place (as a failing disk or a tamperer would)."""
    from clearcheck.core.blobs import blob_path

    path = blob_path(sha256)
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.fixture
def team(onsite_county, open_visit):
    """An open visit and its two confirmed officers' accounts; also an outsider officer of the same agency."""
    visit = open_visit()
    first, second = onsite_county["officer_users"][:2]
    return {"visit": visit, "first": first, "second": second, "county": onsite_county}


@pytest.fixture
def outsider(onsite_county, make_officer, make_user_plain):
    """An officer account of the same agency that is not in the visit."""
    officer = make_officer(onsite_county["agency"], "赵外")
    return make_user_plain("officer", agency=onsite_county["agency"], officer=officer)


def later(minutes: int) -> dt.datetime:
    """Now plus ``minutes``."""
    return clock.now() + dt.timedelta(minutes=minutes)
