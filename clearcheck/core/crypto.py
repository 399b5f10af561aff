"""Signature suites. Ed25519 (``cryptography``) today; a national-algorithm suite (SM2/SM3)
plugs in beside it under its own name, which every signed token and checkpoint carries.
"""

import base64
import functools
import hashlib
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.exceptions import ImproperlyConfigured

ED25519 = "ed25519"
SECRET_BYTES = 32
_lock = threading.Lock()
_cache: dict[str, tuple[int, "SigningKey"]] = {}


def b64url(data: bytes) -> str:
    """URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Inverse of :func:`b64url` (raises ``ValueError`` on malformed input)."""
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


@dataclass(frozen=True)
class SigningKey:
    """A private key with its suite and key id (first 16 hex digits of SHA-256 of the public key)."""

    suite: str
    key_id: str
    private_key: Ed25519PrivateKey

    def sign(self, message: bytes) -> str:
        """Sign ``message``; the signature is URL-safe base64."""
        return b64url(self.private_key.sign(message))

    # Cached: every scanned code and e-credential looks its key up (docs/performance.md §4). A frozen
    # dataclass still takes cached_property, which writes to the instance's __dict__ directly.
    @functools.cached_property
    def public_key_raw(self) -> bytes:
        """The 32 raw bytes of the Ed25519 public key."""
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @functools.cached_property
    def public_key_pem(self) -> str:
        """The public key as SubjectPublicKeyInfo PEM, for offline verifiers."""
        return (
            self.private_key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode("ascii")
        )


def key_id_for(public_raw: bytes) -> str:
    """Key id of a raw public key."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


class KeyFileMissing(ImproperlyConfigured):
    """A key file the platform needs is not there.

    Keys are made only on purpose (``clearcheck init``, which the demo's ``make run`` calls): a key made
    by accident on a restored server would sign with a new key, and every printed enterprise code and
    every checkpoint signed before would stop verifying against it.
    """

    def __init__(self, path: str):
        self.path = str(path)
        super().__init__(
            f"密钥文件不存在:{self.path}。密钥只由 `clearcheck init` 创建;从备份恢复时请同时恢复密钥文件"
            f"(docs/deployment.md)。 Key file missing: {self.path}. Keys are created only by `clearcheck init`; "
            "when restoring from a backup, restore the key files too."
        )


def _private_key_read(file: Path) -> Ed25519PrivateKey:
    private = serialization.load_pem_private_key(file.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"{file} is not an Ed25519 private key")
    return private


def _signing_key(private: Ed25519PrivateKey) -> SigningKey:
    public_raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return SigningKey(ED25519, key_id_for(public_raw), private)


def _file_create_exclusive(file: Path, content: bytes) -> bool:
    """Write ``content`` to a new file readable by its owner only; False when the file already exists."""
    file.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two `clearcheck init` runs at once cannot both write, and an existing key is never replaced.
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    return True


def signing_key_load(path: str) -> SigningKey:
    """Load the Ed25519 key at ``path``; raises :class:`KeyFileMissing` when there is none (never creates one)."""
    file = Path(path)
    try:
        # Keyed by the file's mtime too: after `clearcheck keys rotate`, every process signs with the new
        # key at its next use instead of signing with the retired one until it restarts.
        stamp = file.stat().st_mtime_ns
    except FileNotFoundError:
        raise KeyFileMissing(path) from None
    with _lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        key = _signing_key(_private_key_read(file))
        _cache[path] = (stamp, key)
        return key


def signing_key_forget(path: str) -> None:
    """Drop the cached key of ``path`` (after a rotation replaced the file)."""
    with _lock:
        _cache.pop(path, None)


def signing_key_create(path: str) -> bool:
    """Create an Ed25519 key at ``path`` (PKCS#8 PEM, mode 0600) unless one exists; True when created.

    Only ``clearcheck init`` (and tests) call this: an existing key file is never replaced.
    """
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    created = _file_create_exclusive(Path(path), pem)
    if not created:
        _private_key_read(Path(path))  # an existing file must at least be a key of the right kind
    return created


def secret_key_load(path: str) -> bytes:
    """The random secret (for HMAC) kept at ``path``; raises :class:`KeyFileMissing` when there is none."""
    file = Path(path)
    if not file.is_file():
        raise KeyFileMissing(path)
    secret = bytes.fromhex(file.read_text(encoding="ascii").strip())
    if len(secret) < SECRET_BYTES:
        raise ValueError(f"{path} holds fewer than {SECRET_BYTES} bytes of secret")
    return secret


def secret_key_create(path: str) -> bool:
    """Create a random secret of ``SECRET_BYTES`` bytes (hex, mode 0600) at ``path`` unless one exists."""
    return _file_create_exclusive(Path(path), (secrets.token_bytes(SECRET_BYTES).hex() + "\n").encode("ascii"))


def public_key_raw_from_pem(pem: str) -> bytes:
    """The 32 raw bytes of an Ed25519 public key in SubjectPublicKeyInfo PEM (``ValueError`` otherwise)."""
    loaded = serialization.load_pem_public_key(pem.encode("ascii"))
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return loaded.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def signature_valid(suite: str, public_raw: bytes, signature_b64: str, message: bytes) -> bool:
    """Check a signature made by :meth:`SigningKey.sign`; unknown suites are never valid."""
    if suite != ED25519:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(b64url_decode(signature_b64), message)
    except (InvalidSignature, ValueError):
        return False
    return True
