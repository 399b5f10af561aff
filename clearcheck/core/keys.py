"""The platform's key files: which ones it needs, which are missing, and creating them on purpose.

Keys are created only by ``clearcheck init`` (the demo's ``make run`` calls it): nothing else makes a key,
so a server restored without its key files stops with a message naming the file instead of signing with a
new key that no printed enterprise code or signed checkpoint would verify against (issue 17).
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from . import crypto

ED25519 = "ed25519"
SECRET = "secret"

# (setting in settings.CLEARCHECK, what the key is for, kind). A setting absent from the settings is skipped.
_KEY_SETTINGS = (
    ("SIGNING_KEY_FILE", "审计检查点签名密钥", ED25519),
    ("CODE_SIGNING_KEY_FILE", "企业码与电子执法证签名密钥", ED25519),
    ("PSEUDONYM_KEY_FILE", "个体工商户抽查化名密钥", SECRET),
)


@dataclass(frozen=True)
class KeyFile:
    """One key file of the platform: its setting, purpose, kind and configured path."""

    setting: str
    label: str
    kind: str
    path: str

    @property
    def exists(self) -> bool:
        """Whether the file is there (its content is checked when it is loaded)."""
        return Path(self.path).is_file()


def key_files() -> list[KeyFile]:
    """The key files this deployment is configured with."""
    configured = settings.CLEARCHECK
    return [KeyFile(name, label, kind, str(configured[name])) for name, label, kind in _KEY_SETTINGS
            if configured.get(name)]


def key_files_require() -> None:
    """Raise :class:`crypto.KeyFileMissing` naming the first missing key file (a server's start check)."""
    for key in key_files():
        if not key.exists:
            raise crypto.KeyFileMissing(key.path)


def key_files_create() -> list[tuple[KeyFile, bool]]:
    """Create every missing key file (mode 0600); existing ones are kept. Returns (key, created) pairs."""
    results = []
    for key in key_files():
        create = crypto.signing_key_create if key.kind == ED25519 else crypto.secret_key_create
        results.append((key, create(key.path)))
    return results
