"""Checking a drawn signature: a ``data:image/png;base64,…`` URL from the signature pad must decode to a
real PNG (signature, well-formed chunks with correct CRCs, IHDR first, IEND last) of bounded size and
dimensions, and must not be blank. Nothing else is stored as a signature image.
"""

import base64
import binascii
import io
import struct
import zlib

from django.conf import settings

from clearcheck.core.errors import FieldError, ValidationFailed

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"
DEFAULT_MAX_BYTES = 512 * 1024
MAX_SIDE = 4096
MIN_SIDE = 16
FIELD = "image_data_url"


def signature_max_bytes() -> int:
    """Largest accepted signature PNG (``CLEARCHECK_SIGNATURE_MAX_BYTES``, default 512 KiB)."""
    return int(getattr(settings, "CLEARCHECK_SIGNATURE_MAX_BYTES", DEFAULT_MAX_BYTES))


def _bad(message: str) -> ValidationFailed:
    return ValidationFailed(FieldError(FIELD, message))


def png_dimensions(data: bytes) -> tuple[int, int]:
    """(width, height) of a structurally valid PNG; ValidationFailed otherwise.

    Walks every chunk: lengths inside the file, CRC-32 of type+data correct, IHDR first, at least one
    IDAT, IEND last with nothing after it.
    """
    if not data.startswith(PNG_MAGIC):
        raise _bad("签名图像不是 PNG 图片")
    pos, first, seen_idat, size = len(PNG_MAGIC), True, False, None
    while True:
        if pos + 12 > len(data):
            raise _bad("签名图像不完整")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 8 + length
        if end + 4 > len(data):
            raise _bad("签名图像不完整")
        body = data[pos + 8:end]
        (crc,) = struct.unpack(">I", data[end:end + 4])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise _bad("签名图像已损坏(校验不符)")
        if first:
            if kind != b"IHDR" or length != 13:
                raise _bad("签名图像不是有效的 PNG 图片")
            size = struct.unpack(">II", body[:8])
            first = False
        seen_idat = seen_idat or kind == b"IDAT"
        pos = end + 4
        if kind == b"IEND":
            break
    if pos != len(data):
        raise _bad("签名图像末尾有多余数据")
    if not seen_idat or size is None:
        raise _bad("签名图像没有图像数据")
    return size


def _blank(data: bytes) -> bool:
    """Whether the image has no visible stroke (fully transparent or a single colour)."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with WeasyPrint
        return False
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            rgba = image.convert("RGBA")
    except Exception as exc:  # noqa: BLE001 - any decoding failure means not a usable PNG
        raise _bad("签名图像无法解码") from exc
    alpha = rgba.getchannel("A")
    if alpha.getbbox() is None:
        return True
    colours = rgba.getcolors(maxcolors=2)
    return colours is not None and len(colours) == 1


def signature_png_from_data_url(value) -> bytes:
    """The PNG bytes of a drawn signature's data URL; ValidationFailed naming what is wrong."""
    text = str(value or "").strip()
    if not text:
        raise _bad("请企业代表签名,或记录其拒绝签名")
    if not text.startswith(DATA_URL_PREFIX):
        raise _bad("签名须为 PNG 图像(data:image/png;base64,…)")
    payload = text[len(DATA_URL_PREFIX):]
    limit = signature_max_bytes()
    if len(payload) > (limit * 4) // 3 + 4:
        raise _bad(f"签名图像过大(不超过 {limit // 1024} KB)")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise _bad("签名图像编码无效") from None
    if len(data) > limit:
        raise _bad(f"签名图像过大(不超过 {limit // 1024} KB)")
    width, height = png_dimensions(data)
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise _bad(f"签名图像尺寸不合适(每边 {MIN_SIDE}–{MAX_SIDE} 像素)")
    if _blank(data):
        raise _bad("签名为空白,请企业代表在签名框内签名")
    return data
