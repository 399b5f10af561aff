"""``/api/audit``: the trail for county roles, and the public checkpoint."""

import datetime as dt

from ninja import Query, Router, Schema

from clearcheck.core.api import Page, keyset_page
from clearcheck.core.errors import NotFound
from clearcheck.core.inputs import Cursor, PageSize

from .permissions import READ_TRAIL
from .selectors import audit_events_recent, checkpoint_latest

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    """One audit event."""

    id: int
    seq: int | None
    occurred_at: dt.datetime
    actor_label: str
    action: str
    subject_type: str
    subject_id: str
    request_id: str
    body: str
    hash: str


class AuditEventPage(Page):
    """A page of audit events."""

    items: list[AuditEventOut]


class AuditFilter(Schema):
    """Filters of the audit trail."""

    action: str | None = None
    subject_type: str | None = None
    subject_id: str | None = None
    cursor: Cursor | None = None
    limit: PageSize = 50


class CheckpointOut(Schema):
    """The latest signed checkpoint."""

    length: int
    head_hash: str
    created_at: dt.datetime
    suite: str
    key_id: str
    body: str
    signature: str


@router.get("/audit/events", response=AuditEventPage, summary="Audit events (bureau and discipline)")
def audit_event_list(request, filters: Query[AuditFilter]):
    """The audit trail, oldest first by id, for the bureau and discipline roles."""
    if not request.user.has_perm(READ_TRAIL):
        raise NotFound("未找到")
    qs = audit_events_recent()
    for name in ("action", "subject_type", "subject_id"):
        if value := getattr(filters, name):
            qs = qs.filter(**{name: value})
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.get("/public/audit/checkpoint", response=CheckpointOut, auth=None, summary="Latest signed checkpoint")
def audit_checkpoint(request):
    """The latest signed checkpoint of the audit chain."""
    cp = checkpoint_latest()
    if cp is None:
        raise NotFound("尚无检查点")
    return cp
