"""Signature suites. Ed25519 (``cryptography``) today; a national-algorithm suite (SM2/SM3)
plugs in beside it under its own name, which every signed token and checkpoint carries.
"""

import base64
import functools
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = "ed25519"
_lock = threading.Lock()
_cache: dict[str, "SigningKey"] = {}


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


def signing_key_load(path: str) -> SigningKey:
    """Load the Ed25519 key at ``path``, creating it (mode 0600) on first use."""
    with _lock:
        if path in _cache:
            return _cache[path]
        file = Path(path)
        if file.exists():
            private = serialization.load_pem_private_key(file.read_bytes(), password=None)
            if not isinstance(private, Ed25519PrivateKey):
                raise ValueError(f"{path} is not an Ed25519 private key")
        else:
            file.parent.mkdir(parents=True, exist_ok=True)
            private = Ed25519PrivateKey.generate()
            pem = private.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            file.write_bytes(pem)
            file.chmod(0o600)
        public_raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        key = SigningKey(ED25519, key_id_for(public_raw), private)
        _cache[path] = key
        return key


def signature_valid(suite: str, public_raw: bytes, signature_b64: str, message: bytes) -> bool:
    """Check a signature made by :meth:`SigningKey.sign`; unknown suites are never valid."""
    if suite != ED25519:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(b64url_decode(signature_b64), message)
    except (InvalidSignature, ValueError):
        return False
    return True
