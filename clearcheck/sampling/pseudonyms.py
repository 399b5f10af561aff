"""Individual businesses (个体工商户) in the public draws: who is masked, the pseudonym key, and pseudonyms (ADR 0017).

An individual business is a natural person trading under a registered name, so its name and its USCC are
personal information (个人信息保护法 art. 4): the public never sees them. In a ``clearcheck-draw/2`` frame it
appears under a **pseudonym** instead of its USCC::

    draw key  = HMAC-SHA256(K, "clearcheck-pseudonym/1 draw " ‖ draw id)
    pseudonym = "p-" ‖ the first 32 hex digits of HMAC-SHA256(draw key, USCC)

``K`` is the platform's pseudonym key (32 random bytes, ``CLEARCHECK["PSEUDONYM_KEY_FILE"]``), escrowed for
the judicial bureau's audit. A pseudonym is unlinkable across draws and cannot be found by enumerating a
region's USCCs without the key; the draw's key fingerprint SHA-256(draw key) is published in its parameters,
and the enterprise sees its own pseudonym in its portal. Keys are made on purpose only
(``pseudonym_key_create``, called by ``clearcheck init`` and the demo's first start); every other path that
needs the key and finds no file stops with a message naming it.
"""

import hashlib
import hmac
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clearcheck.core import crypto
from clearcheck.registry.choices import EntityType

KEY_SETTING = "PSEUDONYM_KEY_FILE"
KEY_BYTES = crypto.SECRET_BYTES
PREFIX = "p-"
HEX_DIGITS = 32  # 128 bits: no collision among a province's individual businesses
SCHEME = "hmac-sha256-128/draw"
INDIVIDUAL_USCC_PREFIX = "92"  # GB 32100-2015: registration authority 9 (market regulation), type 2 (个体工商户)
MASKED_LABEL = _("个体工商户(名称不予公开)")


# A missing key file is the platform's one error for every key (core.crypto), named here for the tests.
PseudonymKeyMissing = crypto.KeyFileMissing


# --- who is masked --------------------------------------------------------------------------------


def is_masked(entity_type: str, uscc: str) -> bool:
    """Whether the public may not see this enterprise's name or USCC: an individual business by its registered
    type, or by its USCC (a code of type ``92`` is an individual business whatever the row says).
    """
    return entity_type == EntityType.INDIVIDUAL_BUSINESS or (uscc or "").startswith(INDIVIDUAL_USCC_PREFIX)


def masked_q(prefix: str = "") -> Q:
    """``is_masked`` as a filter on enterprises (``prefix``: the path to the enterprise, e.g. ``"enterprise__"``)."""
    return Q(**{f"{prefix}entity_type": EntityType.INDIVIDUAL_BUSINESS}) | Q(
        **{f"{prefix}uscc__startswith": INDIVIDUAL_USCC_PREFIX})


def public_name(name: str, entity_type: str, uscc: str) -> str:
    """An enterprise's name as the public may see it: the name, or the mask of an individual business."""
    return str(MASKED_LABEL) if is_masked(entity_type, uscc) else name


# --- the key --------------------------------------------------------------------------------------


def pseudonym_key_path() -> str:
    """The configured key file (``CLEARCHECK["PSEUDONYM_KEY_FILE"]``, by default ``var/keys/pseudonym.key``)."""
    configured = getattr(settings, "CLEARCHECK", {}).get(KEY_SETTING)
    return str(configured or Path(settings.VAR_DIR) / "keys" / "pseudonym.key")


def pseudonym_key_load(path: str | None = None) -> bytes:
    """The platform's pseudonym key; :class:`core.crypto.KeyFileMissing` (naming the file) when there is none."""
    return crypto.secret_key_load(path or pseudonym_key_path())


def pseudonym_key_create(path: str) -> bool:
    """Create a random key (32 bytes as hex, mode 0600) at ``path`` unless one exists; True when created.

    Only ``clearcheck init`` (and tests) call this, through ``core.keys``: an existing key is never replaced,
    since every published pseudonym was made with it.
    """
    return crypto.secret_key_create(path)


# --- pseudonyms -----------------------------------------------------------------------------------


def draw_key(key: bytes, draw_id: int) -> bytes:
    """The per-draw key: HMAC-SHA256(K, "clearcheck-pseudonym/1 draw <id>"). Handing it to an auditor opens
    one draw's pseudonyms, not the others'.
    """
    return hmac.new(key, f"clearcheck-pseudonym/1 draw {int(draw_id)}".encode("ascii"), hashlib.sha256).digest()


def key_fingerprint(per_draw_key: bytes) -> str:
    """SHA-256 of the per-draw key (hex), published in the draw's parameters: binds the draw to one key."""
    return hashlib.sha256(per_draw_key).hexdigest()


def pseudonym_of(per_draw_key: bytes, uscc: str) -> str:
    """``p-`` and the first 32 hex digits of HMAC-SHA256(draw key, USCC)."""
    return PREFIX + hmac.new(per_draw_key, uscc.encode("utf-8"), hashlib.sha256).hexdigest()[:HEX_DIGITS]


def is_pseudonym(entry: str) -> bool:
    """Whether a frame entry is a pseudonym (not a USCC)."""
    return entry.startswith(PREFIX)


class Pseudonymiser:
    """The pseudonyms of one draw; loads the key on first use, so a draw without individual businesses never
    needs it. HMAC's keyed state is computed once and copied per USCC (a province frame has ~10⁶ of them).
    """

    def __init__(self, draw_id: int, key_path: str | None = None):
        self.draw_id = draw_id
        self._key_path = key_path
        self._state = None
        self.fingerprint = ""

    def of(self, uscc: str) -> str:
        """The pseudonym of ``uscc`` in this draw."""
        if self._state is None:
            per_draw = draw_key(pseudonym_key_load(self._key_path), self.draw_id)
            self._state = hmac.new(per_draw, digestmod=hashlib.sha256)
            self.fingerprint = key_fingerprint(per_draw)
        h = self._state.copy()
        h.update(uscc.encode("utf-8"))
        return PREFIX + h.hexdigest()[:HEX_DIGITS]


def parameters_entry(fingerprint: str) -> dict:
    """The ``pseudonyms`` object of a draw's parameters (informative for a verifier; enters the seed)."""
    return {"scheme": SCHEME, "key_sha256": fingerprint, "masked": [EntityType.INDIVIDUAL_BUSINESS.value]}


# --- the private map of a draw's pseudonyms -------------------------------------------------------

MAP_HEADER = "clearcheck-pseudonyms/1"


def map_bytes(mapping: dict[str, str]) -> bytes:
    """The draw's private map (pseudonym TAB uscc per line, sorted), stored content-addressed, never published."""
    lines = sorted(f"{pseudonym}\t{uscc}\n" for uscc, pseudonym in mapping.items())
    return (MAP_HEADER + "\n" + "".join(lines)).encode("utf-8")


def map_parse(data: bytes) -> dict[str, str]:
    """Pseudonym → USCC from a stored map."""
    header, _, body = data.decode("utf-8").partition("\n")
    if header != MAP_HEADER:
        raise ValueError("not a pseudonym map")
    return dict(line.split("\t", 1) for line in body.splitlines())
