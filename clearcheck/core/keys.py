"""The platform's key files: which ones it needs, which are missing, creating them and rotating them.

Keys are created only by ``clearcheck init`` (the demo's ``make run`` calls it) and replaced only by
``clearcheck keys rotate``: nothing else makes a key, so a server restored without its key files stops with
a message naming the file instead of signing with a new key that no printed enterprise code or signed
checkpoint would verify against (issue 17).

Rotation keeps what the old key signed verifiable (issue 20): the retired key's public half goes into the
key history (``KEY_HISTORY_FILE``, JSON, published with the public keys) with the period in which it signed,
and verifiers accept a retired key only for what is dated inside that period. The retired private key is
deleted: a key is rotated because it may be exposed, so it must sign nothing more.
"""

import datetime as dt
import json
import os
import tempfile
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


# --- Rotation and the key history ------------------------------------------------------------------


class KeyRotationRefused(Exception):
    """A key that cannot be rotated (a secret whose rotation would change published pseudonyms)."""


@dataclass(frozen=True)
class RetiredKey:
    """A retired Ed25519 public key and the period ``[valid_from, retired_at)`` in which it signed.

    ``valid_from`` is None for the platform's first key of that purpose (it signed from the start).
    """

    setting: str
    suite: str
    key_id: str
    public_key_pem: str
    valid_from: dt.datetime | None
    retired_at: dt.datetime

    @property
    def raw(self) -> bytes:
        """The 32 raw bytes of the public key."""
        return crypto.public_key_raw_from_pem(self.public_key_pem)

    def signed_in_period(self, at: dt.datetime) -> bool:
        """Whether something dated ``at`` (aware) falls in the period in which this key signed."""
        return (self.valid_from is None or at >= self.valid_from) and at < self.retired_at

    def as_json(self) -> dict:
        """The history entry as published (ISO-8601 UTC times)."""
        return {
            "setting": self.setting, "suite": self.suite, "key_id": self.key_id,
            "public_key_pem": self.public_key_pem,
            "valid_from": _iso(self.valid_from) if self.valid_from else None,
            "retired_at": _iso(self.retired_at),
        }


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _parse(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def key_history_path() -> Path:
    """Where the key history is kept (beside the keys unless configured)."""
    configured = settings.CLEARCHECK.get("KEY_HISTORY_FILE")
    if configured:
        return Path(configured)
    return Path(settings.CLEARCHECK["SIGNING_KEY_FILE"]).parent / "history.json"


def key_history(setting: str | None = None) -> list[RetiredKey]:
    """The retired keys, oldest first; only those of ``setting`` (e.g. ``"SIGNING_KEY_FILE"``) when given."""
    path = key_history_path()
    if not path.is_file():
        return []
    entries = json.loads(path.read_text(encoding="utf-8")).get("retired", [])
    keys = [RetiredKey(e["setting"], e["suite"], e["key_id"], e["public_key_pem"], _parse(e.get("valid_from")),
                       _parse(e["retired_at"])) for e in entries]
    return [k for k in keys if setting is None or k.setting == setting]


def _history_write(keys: list[RetiredKey]) -> None:
    path = key_history_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"format": 1, "retired": [k.as_json() for k in keys]}, ensure_ascii=False, indent=2)
    # Written beside the target and renamed over it: a crash leaves the old history or the new, never half.
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".history-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
    os.replace(temp, path)


def key_file(setting: str) -> KeyFile:
    """The configured key file of ``setting`` (``KeyError`` when this deployment has none)."""
    for key in key_files():
        if key.setting == setting:
            return key
    raise KeyError(setting)


def key_rotate(setting: str, *, at: dt.datetime, record=None) -> tuple[str, str]:
    """Retire the Ed25519 key of ``setting`` at ``at`` and put a new one in its place; (old id, new id).

    ``record(old_id, new_id)`` is called once the new key exists beside the old one and before anything the
    verifiers read changes (the caller's audit event; an exception there changes nothing). Then the history
    entry is written, then the new key replaces the old file in one rename: after a crash between the two,
    running again finds the old key already retired and only replaces the file. The secret of the
    pseudonyms is refused (rotating it would re-name every published individual business, ADR 0017).
    """
    key = key_file(setting)
    if key.kind != ED25519:
        raise KeyRotationRefused(f"{key.label}不能轮换:更换后已公布的化名将无法对应 (a secret is not rotated)")
    current = crypto.signing_key_load(key.path)
    temp = Path(key.path).with_name(f".{Path(key.path).name}.new")
    temp.unlink(missing_ok=True)
    crypto.signing_key_create(str(temp))
    new_id = crypto.signing_key_load(str(temp)).key_id
    crypto.signing_key_forget(str(temp))
    try:
        if record is not None:
            record(current.key_id, new_id)
        history = key_history()
        if current.key_id not in {k.key_id for k in history}:
            previous = [k for k in history if k.setting == setting]
            history.append(RetiredKey(setting, current.suite, current.key_id, current.public_key_pem,
                                      previous[-1].retired_at if previous else None, at))
            _history_write(history)
        os.replace(temp, key.path)
    finally:
        temp.unlink(missing_ok=True)
        crypto.signing_key_forget(key.path)
    return current.key_id, new_id
