"""The enterprise representative's drawn signature: only a real PNG of bounded size that is not blank."""

import base64
import struct
import zlib

import pytest

from clearcheck.core.errors import ValidationFailed
from clearcheck.inspections.services.signatures import png_dimensions, signature_png_from_data_url
from clearcheck.inspections.tests.test_records_support import data_url, png_bytes


def _refused(value) -> str:
    with pytest.raises(ValidationFailed) as exc:
        signature_png_from_data_url(value)
    assert exc.value.errors[0].field == "image_data_url"
    return exc.value.errors[0].message


def test_a_drawn_signature_is_accepted():
    data = png_bytes()
    assert signature_png_from_data_url(data_url(data)) == data
    assert png_dimensions(data) == (300, 120)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_signature(value):
    assert "签名" in _refused(value)


def test_other_image_types_and_urls_refused():
    assert "PNG" in _refused("data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff\xe0").decode())
    assert "PNG" in _refused("https://example.com/sign.png")


def test_bad_base64_refused():
    assert "编码" in _refused("data:image/png;base64,not*base64!")


def test_bytes_that_are_not_a_png_refused():
    assert "PNG" in _refused(data_url(b"GIF89a" + b"\x00" * 40))


def test_truncated_png_refused():
    data = png_bytes()
    assert "不完整" in _refused(data_url(data[: len(data) // 2]))


def test_corrupted_chunk_refused():
    data = bytearray(png_bytes())
    data[40] ^= 0xFF  # inside IHDR/IDAT: the chunk's CRC no longer matches
    _refused(data_url(bytes(data)))


def test_trailing_bytes_refused():
    assert "多余" in _refused(data_url(png_bytes() + b"<script>alert(1)</script>"))


def test_too_large_refused(settings):
    settings.CLEARCHECK_SIGNATURE_MAX_BYTES = 1024
    assert "过大" in _refused(data_url(png_bytes(width=800, height=400)))


def test_tiny_or_huge_dimensions_refused():
    assert "尺寸" in _refused(data_url(png_bytes(width=8, height=8)))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    huge = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b""))
    assert "尺寸" in _refused(data_url(huge))  # refused from the header, never decoded (no bomb)


def test_blank_pad_refused():
    assert "空白" in _refused(data_url(png_bytes(blank=True)))
