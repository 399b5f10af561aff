"""What a piece of evidence may be (R18): the content types each ``EvidenceKind`` accepts, judged by the
bytes (``filetype`` magic numbers) and never by the file name, and the configurable size limits.

Settings (bytes): ``CLEARCHECK_EVIDENCE_MAX_BYTES_PHOTO`` (20 MiB), ``…_AUDIO`` (500 MiB), ``…_VIDEO`` (2 GiB),
``…_DOCUMENT`` (50 MiB); ``CLEARCHECK_EVIDENCE_DIRECT_MAX_BYTES`` (20 MiB, the largest file sent in one
request; larger ones go in chunks); ``CLEARCHECK_EVIDENCE_CHUNK_MAX_BYTES`` (8 MiB, the largest chunk the
server accepts) and ``CLEARCHECK_EVIDENCE_CHUNK_BYTES`` (1 MiB, the chunk size the upload page uses).
"""

import filetype
from django.conf import settings
from filetype.types.base import Type
from filetype.types.isobmff import IsoBmff

from .choices import EvidenceKind

MIB = 1024 * 1024
# filetype looks at the first 8 KiB; so does every check here.
HEAD_BYTES = 8192

DEFAULT_MAX_BYTES = {
    EvidenceKind.PHOTO: 20 * MIB,
    EvidenceKind.AUDIO: 500 * MIB,
    EvidenceKind.VIDEO: 2048 * MIB,
    EvidenceKind.DOCUMENT: 50 * MIB,
}

# A readable name for each accepted content type, as an official would say it.
TYPE_NAMES = {
    "image/jpeg": "JPEG 图片", "image/png": "PNG 图片", "image/heic": "HEIC 图片", "image/heif": "HEIF 图片",
    "image/webp": "WebP 图片",
    "audio/mpeg": "MP3 音频", "audio/mp4": "M4A 音频", "audio/aac": "AAC 音频", "audio/x-wav": "WAV 音频",
    "audio/amr": "AMR 音频", "audio/ogg": "OGG 音频",
    "video/mp4": "MP4 音视频", "video/quicktime": "MOV 视频", "video/webm": "WebM 音视频",
    "video/3gpp": "3GP 音视频", "video/x-m4v": "M4V 视频", "video/x-msvideo": "AVI 视频",
    "application/pdf": "PDF 文档", "application/ofd": "OFD 版式文档",
    "application/msword": "Word 文档(doc)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档(docx)",
    "application/vnd.ms-excel": "Excel 表格(xls)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 表格(xlsx)",
    "application/vnd.oasis.opendocument.text": "ODT 文档",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS 表格",
}

_PHOTO = ("image/jpeg", "image/png", "image/heic", "image/heif", "image/webp")
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    EvidenceKind.PHOTO: _PHOTO,
    # Phones record speech into MP4/3GP/WebM containers as often as into M4A/AMR; an audio-only MP4 is
    # still a recording, so the audio kind accepts those containers too.
    EvidenceKind.AUDIO: ("audio/mpeg", "audio/mp4", "audio/aac", "audio/x-wav", "audio/amr", "audio/ogg",
                         "video/mp4", "video/3gpp", "video/webm"),
    # Body-worn cameras (执法记录仪) write MP4 or AVI; phones MP4, MOV, 3GP or WebM.
    EvidenceKind.VIDEO: ("video/mp4", "video/quicktime", "video/webm", "video/3gpp", "video/x-m4v",
                         "video/x-msvideo"),
    # Documentary evidence: office and layout formats (OFD is the national e-document format), and scans.
    EvidenceKind.DOCUMENT: ("application/pdf", "application/ofd", "application/msword",
                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                            "application/vnd.ms-excel",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            "application/vnd.oasis.opendocument.text",
                            "application/vnd.oasis.opendocument.spreadsheet", "image/jpeg", "image/png"),
}

# What the upload page's file picker offers per kind (a hint for the phone; the server checks content).
ACCEPT = {
    EvidenceKind.PHOTO: "image/*",
    EvidenceKind.AUDIO: "audio/*",
    EvidenceKind.VIDEO: "video/*",
    EvidenceKind.DOCUMENT: ".pdf,.ofd,.doc,.docx,.xls,.xlsx,.odt,.ods,image/jpeg,image/png",
}


class _ThreeGpp(IsoBmff):
    """3GPP/3GPP2 (``ftyp3gp*``/``ftyp3g2*``); filetype's own matcher looks at the wrong offset."""

    def __init__(self):
        super().__init__(mime="video/3gpp", extension="3gp")

    def match(self, buf) -> bool:
        return self._is_isobmff(buf) and bytes(buf[8:11]) in (b"3gp", b"3g2")


class _Heif(IsoBmff):
    """HEIF stills other than plain ``heic`` (Android writes ``heix``/``mif1`` …)."""

    BRANDS = ("heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1")

    def __init__(self):
        super().__init__(mime="image/heif", extension="heif")

    def match(self, buf) -> bool:
        if not self._is_isobmff(buf):
            return False
        major, _, compatible = self._get_ftyp(buf)
        return major in self.BRANDS and (major not in ("mif1", "msf1") or "heic" not in compatible)


class _Ofd(Type):
    """OFD (GB/T 33190): a ZIP whose first entry is ``OFD.xml``."""

    def __init__(self):
        super().__init__(mime="application/ofd", extension="ofd")

    def match(self, buf) -> bool:
        return bytes(buf[:4]) == b"PK\x03\x04" and bytes(buf[30:37]).upper() == b"OFD.XML"


_EXTRA_MATCHERS = (_ThreeGpp(), _Heif(), _Ofd())


def content_type_sniff(head: bytes) -> str | None:
    """The MIME type the first bytes of a file show (None when nothing known matches)."""
    buf = bytearray(head[:HEAD_BYTES])
    for matcher in _EXTRA_MATCHERS:
        if matcher.match(buf):
            return matcher.mime
    kind = filetype.guess(buf)
    return kind.mime if kind else None


def type_name(mime: str | None) -> str:
    """A readable name of a content type."""
    if not mime:
        return "无法识别的类型"
    return TYPE_NAMES.get(mime, mime)


def kind_label(kind: str) -> str:
    """The Chinese name of an evidence kind."""
    return str(EvidenceKind(kind).label) if kind in EvidenceKind.values else kind


def allowed_type_names(kind: str) -> str:
    """The accepted types of ``kind``, for messages."""
    names: list[str] = []
    for mime in ALLOWED_TYPES.get(kind, ()):
        name = TYPE_NAMES.get(mime, mime).split("(")[0]
        if name not in names:
            names.append(name)
    return "、".join(names)


def content_type_refusal(kind: str, head: bytes) -> tuple[str | None, str | None]:
    """(mime, None) when the content fits ``kind``; (mime, Chinese reason) when it does not."""
    mime = content_type_sniff(head)
    if mime in ALLOWED_TYPES.get(kind, ()):
        return mime, None
    found = f"文件内容为{type_name(mime)}" if mime else "无法从文件内容识别其类型"
    return mime, (f"{found},与所选证据类型“{kind_label(kind)}”不符(按文件内容判断,不看扩展名);"
                  f"{kind_label(kind)}可为:{allowed_type_names(kind)}")


def max_bytes(kind: str) -> int:
    """The size limit of evidence of ``kind`` (``CLEARCHECK_EVIDENCE_MAX_BYTES_<KIND>``)."""
    return int(getattr(settings, f"CLEARCHECK_EVIDENCE_MAX_BYTES_{kind.upper()}", DEFAULT_MAX_BYTES[kind]))


def direct_max_bytes() -> int:
    """The largest file accepted in one request; larger files upload in chunks."""
    return int(getattr(settings, "CLEARCHECK_EVIDENCE_DIRECT_MAX_BYTES", 20 * MIB))


def chunk_max_bytes() -> int:
    """The largest chunk of a chunked upload the server accepts."""
    return int(getattr(settings, "CLEARCHECK_EVIDENCE_CHUNK_MAX_BYTES", 8 * MIB))


def chunk_bytes() -> int:
    """The chunk size the upload page sends (never more than the server accepts)."""
    return max(1, min(int(getattr(settings, "CLEARCHECK_EVIDENCE_CHUNK_BYTES", MIB)), chunk_max_bytes()))


def size_text(size: int) -> str:
    """A size as an official would read it (KB / MB / GB)."""
    if size >= 1024 * MIB:
        return f"{size / (1024 * MIB):.1f} GB".replace(".0 ", " ")
    if size >= MIB:
        return f"{size / MIB:.1f} MB".replace(".0 ", " ")
    return f"{max(1, round(size / 1024))} KB" if size else "0 字节"
