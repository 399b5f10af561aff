"""Pure functions of the chain, shared by the sealer, the verifier and the benchmark."""

import hashlib
import json

from django.conf import settings

from clearcheck.core import crypto, keys
from clearcheck.core.canonical import canonical_bytes

CHECKPOINT_KEY_SETTING = "SIGNING_KEY_FILE"


def link_hash(prev_hash: str, seq: int, event_id: int, body: str) -> str:
    """Chain hash of one event (see the module docstring of ``audit.models``)."""
    digest = hashlib.sha256(f"{prev_hash}\n{seq}\n{event_id}\n".encode("ascii"))
    digest.update(body.encode("utf-8"))
    return digest.hexdigest()


def checkpoint_payload(length: int, head_hash: str, time_iso: str, key_id: str, suite: str) -> bytes:
    """The bytes a checkpoint signs."""
    return canonical_bytes(
        {"length": length, "head": head_hash, "time": time_iso, "key_id": key_id, "suite": suite}
    )


def checkpoint_key() -> crypto.SigningKey:
    """The platform's checkpoint signing key."""
    return crypto.signing_key_load(settings.CLEARCHECK[CHECKPOINT_KEY_SETTING])


def checkpoint_keys_document() -> dict:
    """The published checkpoint keys: the current one and every retired one with its period (issue 20)."""
    key = checkpoint_key()
    history = keys.key_history(CHECKPOINT_KEY_SETTING)
    entries = [{"key_id": key.key_id, "suite": key.suite, "public_key_pem": key.public_key_pem, "current": True,
                "valid_from": history[-1].as_json()["retired_at"] if history else None, "retired_at": None}]
    for retired in reversed(history):
        entries.append({**retired.as_json(), "current": False})
        entries[-1].pop("setting")
    return {"keys": entries}


def checkpoint_document(checkpoint) -> dict:
    """A signed checkpoint as published and archived: anyone can check it with the public key it names."""
    body = json.loads(checkpoint.body)
    key = checkpoint_key()
    return {
        "length": checkpoint.length,
        "head": checkpoint.head_hash,
        "time": body["time"],
        "suite": checkpoint.suite,
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
        "signed_bytes": checkpoint.body,
        "public_key_pem": key.public_key_pem if key.key_id == checkpoint.key_id else None,
    }
