"""Writing the audit trail: ``audit_record`` (inside every service's transaction) and the sealer."""

import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from clearcheck.core import clock, keys
from clearcheck.core.canonical import canonical_text, utc_text
from clearcheck.core.context import request_id_get
from clearcheck.core.rows import rows_insert

from .chain import checkpoint_key, checkpoint_payload, link_hash
from .models import GENESIS_HASH, AuditEvent, ChainHead, Checkpoint

log = logging.getLogger(__name__)


def actor_describe(actor) -> tuple[int | None, str, str]:
    """(id, label, role) of an actor: a user, an anonymous visitor or the system (``None``)."""
    if actor is None:
        return None, "system", "system"
    if not getattr(actor, "is_authenticated", False):
        return None, "public", "public"
    return actor.pk, actor.get_username(), getattr(actor, "role", "") or ""


def actor_label(actor) -> str:
    """The label an actor is recorded under (username, "public" or "system")."""
    return actor_describe(actor)[1]


def subject_type_of(model: Model | type[Model]) -> str:
    """The subject type the chain records a model's events under: its ``app.model`` label, or the label it had
    when its first events were recorded (``audit_subject_type``), kept when the model moves between apps so one
    subject keeps one name in a chain that cannot be rewritten (ADR 0019).
    """
    return getattr(model, "audit_subject_type", None) or model._meta.label_lower


def subject_describe(subject: Model | tuple[str, Any]) -> tuple[str, str]:
    """(type, id) of a model instance or an explicit ``(type, id)`` pair."""
    if isinstance(subject, Model):
        return subject_type_of(subject), str(subject.pk)
    kind, ident = subject
    return kind, str(ident)


def audit_record(
    *,
    actor,
    action: str,
    subject: Model | tuple[str, Any],
    before: dict | None = None,
    after: dict | None = None,
    extra: dict | None = None,
) -> AuditEvent:
    """Record one state change. Must run inside the service's own transaction (R30)."""
    if not connection.in_atomic_block:
        raise RuntimeError("R30: audit_record must run inside the transaction of the change it records")
    actor_id, actor_label, actor_role = actor_describe(actor)
    subject_type, subject_id = subject_describe(subject)
    occurred_at = clock.now()
    request_id = request_id_get()
    body = canonical_text(
        {
            "action": action,
            "actor": {"id": actor_id, "label": actor_label, "role": actor_role},
            "subject": {"type": subject_type, "id": subject_id},
            "before": before,
            "after": after,
            "extra": extra,
            "request_id": request_id,
            "occurred_at": occurred_at,
        }
    )
    # One hand-written INSERT: every write of the platform makes one of these (docs/performance.md §4).
    [event] = rows_insert([AuditEvent(
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        request_id=request_id,
        body=body,
    )])
    if settings.CLEARCHECK["AUDIT_SEAL_MODE"] == "on_commit" and not any(
        func is _seal_after_commit for _, func, _ in connection.run_on_commit
    ):
        transaction.on_commit(_seal_after_commit)
    return event


def _seal_after_commit() -> None:
    # Sealing is bookkeeping: a failure here must not turn a committed write into an error page;
    # the periodic job seals whatever is left.
    try:
        audit_seal()
    except Exception:  # noqa: BLE001
        log.exception("audit sealing after commit failed; the periodic job will seal the tail")


def _chain_head_locked() -> ChainHead:
    try:
        with transaction.atomic():
            head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    except IntegrityError:
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def audit_seal(*, batch_size: int = 5000, max_batches: int | None = None) -> int:
    """Give committed, unsealed events their chain positions, batch by batch; sign a checkpoint
    after each batch. Returns how many events were sealed. Safe to run concurrently.
    """
    sealed = 0
    batches = 0
    key = checkpoint_key()
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            head = _chain_head_locked()
            # Deterministic order: ascending id among the events committed and unsealed now.
            events = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch_size])
            if not events:
                return sealed
            now = clock.now()
            prev, length = head.head_hash or GENESIS_HASH, head.length
            for event in events:
                length += 1
                event.seq = length
                event.prev_hash = prev
                event.hash = link_hash(prev, length, event.id, event.body)
                event.sealed_at = now
                prev = event.hash
            _positions_write(events, now)
            head.length, head.head_hash, head.updated_at = length, prev, now
            head.save(update_fields=["length", "head_hash", "updated_at"])
            checkpoint_sign(length=length, head_hash=prev, key=key, at=now)
        sealed += len(events)
        batches += 1
    return sealed


def _positions_write(events: list[AuditEvent], sealed_at) -> None:
    # One executemany UPDATE: ``bulk_update`` builds a CASE per column and seals ~10× slower
    # (docs/performance.md); a backlog of a million events must not take half an hour.
    table = AuditEvent._meta.db_table
    stamp = connection.ops.adapt_datetimefield_value(sealed_at)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s, sealed_at = %s WHERE id = %s",  # noqa: S608
            [(e.seq, e.prev_hash, e.hash, stamp, e.id) for e in events],
        )


def checkpoint_sign(*, length: int, head_hash: str, key=None, at=None) -> Checkpoint:
    """Sign and store a checkpoint of the chain at ``length``."""
    key = key or checkpoint_key()
    at = at or clock.now()
    time_iso = utc_text(at)
    payload = checkpoint_payload(length, head_hash, time_iso, key.key_id, key.suite)
    return Checkpoint.objects.create(
        length=length,
        head_hash=head_hash,
        created_at=at,
        suite=key.suite,
        key_id=key.key_id,
        body=payload.decode("utf-8"),
        signature=key.sign(payload),
    )



# --- Keys: rotation is an audited act ----------------------------------------------------------------

KEY_ALIASES = {"audit": "SIGNING_KEY_FILE", "code": "CODE_SIGNING_KEY_FILE"}


@transaction.atomic
def platform_key_rotate(*, actor, key: str) -> tuple[str, str]:
    """Retire the platform key ``key`` (``"audit"`` or ``"code"``) and make its successor; (old id, new id).

    The event is recorded after the new key exists and before the history and the key file change, in the
    same transaction: when the files cannot be rotated, the exception rolls the event back, so the trail never
    claims a rotation that did not happen (issue 20).
    """
    at = clock.now()

    def record(old_id: str, new_id: str) -> None:
        audit_record(actor=actor, action="platform_key.rotate", subject=("platform_key", key),
                     before={"key_id": old_id}, after={"key_id": new_id}, extra={"retired_at": utc_text(at)})

    return keys.key_rotate(KEY_ALIASES[key], at=at, record=record)
