"""``/api/alerts``: alert inbox for the bureau (all) and agencies (their own)."""

import datetime as dt

from ninja import Query, Router, Schema

from clearcheck.core.api import Page, keyset_page

from . import selectors, services

router = Router(tags=["alerts"])


class AlertOut(Schema):
    """An alert."""

    id: int
    rule_id: str
    clause: str
    subject_type: str
    subject_id: str
    subject_label: str
    agency_id: int | None
    facts: str
    severity: str
    state: str
    raised_at: dt.datetime
    occurrences: int
    resolution_note: str


class AlertPage(Page):
    """A page of alerts."""

    items: list[AlertOut]


class AlertFilter(Schema):
    """Alert filters."""

    state: str | None = None
    rule_id: str | None = None
    cursor: int | None = None
    limit: int = 50


class ResolveIn(Schema):
    """How the alert was resolved."""

    note: str


@router.get("/alerts", response=AlertPage, summary="Alerts visible to the caller")
def alert_list(request, filters: Query[AlertFilter]):
    """Alerts of the caller's scope."""
    qs = selectors.alert_list_for_actor(actor=request.user, state=filters.state, rule_id=filters.rule_id)
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.get("/alerts/{alert_id}", response=AlertOut, summary="One alert")
def alert_detail(request, alert_id: int):
    """One alert in the caller's scope."""
    return selectors.alert_get_for_actor(actor=request.user, alert_id=alert_id)


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut, summary="Acknowledge an alert")
def alert_acknowledge(request, alert_id: int):
    """Mark the alert as acknowledged."""
    return services.alert_acknowledge(actor=request.user, alert_id=alert_id)


@router.post("/alerts/{alert_id}/resolve", response=AlertOut, summary="Resolve an alert with a note")
def alert_resolve(request, alert_id: int, payload: ResolveIn):
    """Resolve the alert."""
    return services.alert_resolve(actor=request.user, alert_id=alert_id, note=payload.note)
