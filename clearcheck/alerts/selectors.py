"""Alert reads, scoped by actor: the bureau and discipline see all; an agency's admin and head see its own
("missing" and "not yours" are both NotFound).
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from clearcheck.accounts.choices import Role
from clearcheck.audit.selectors import audit_trail
from clearcheck.audit.services import subject_describe
from clearcheck.core.errors import NotFound

from .choices import AlertState
from .models import Alert
from .workflows import ALERT

ALERT_READERS = (Role.BUREAU, Role.DISCIPLINE, Role.AGENCY_ADMIN, Role.AGENCY_HEAD)


@dataclass(frozen=True)
class AlertFilters:
    """The inbox's filters; empty values filter nothing. ``agency_id`` is honoured for county roles only."""

    state: str | None = None
    rule_id: str | None = None
    severity: str | None = None
    agency_id: int | None = None
    assigned_to_me: bool = False
    q: str | None = None


def _scoped(actor) -> QuerySet[Alert]:
    qs = Alert.objects.all()
    if not actor.is_authenticated:
        return qs.none()
    if actor.role in (Role.BUREAU, Role.DISCIPLINE):
        return qs
    if actor.role in (Role.AGENCY_ADMIN, Role.AGENCY_HEAD) and actor.agency_id:
        return qs.filter(agency_id=actor.agency_id)
    return qs.none()


def _filtered(actor, filters: AlertFilters, *, with_state: bool = True) -> QuerySet[Alert]:
    qs = _scoped(actor)
    if with_state and filters.state:
        qs = qs.filter(state=filters.state)
    if filters.rule_id:
        qs = qs.filter(rule_id=filters.rule_id.strip().upper())
    if filters.severity:
        qs = qs.filter(severity=filters.severity)
    if filters.agency_id and actor.is_authenticated and actor.role in (Role.BUREAU, Role.DISCIPLINE):
        qs = qs.filter(agency_id=filters.agency_id)
    if filters.assigned_to_me and actor.is_authenticated:
        qs = qs.filter(assignee_id=actor.pk)
    if filters.q and filters.q.strip():
        qs = qs.filter(subject_label__icontains=filters.q.strip())
    return qs


def alert_list_for_actor(*, actor, state: str | None = None, rule_id: str | None = None,
                         filters: AlertFilters | None = None) -> QuerySet[Alert]:
    """Alerts the actor may read, newest first (``state``/``rule_id`` kept for existing callers)."""
    filters = filters or AlertFilters(state=state, rule_id=rule_id)
    return (_filtered(actor, filters).select_related("agency", "assignee__officer", "assignee__enterprise")
            .order_by("-raised_at", "-id"))


def alert_state_counts(*, actor, filters: AlertFilters | None = None) -> dict[str, int]:
    """How many alerts of the actor's scope (and the other filters) are in each state: one query."""
    rows = (_filtered(actor, filters or AlertFilters(), with_state=False).order_by()
            .values("state").annotate(n=Count("id")))
    counts = {value: 0 for value in AlertState.values}
    counts.update({row["state"]: row["n"] for row in rows})
    return counts


def alert_get_for_actor(*, actor, alert_id: int) -> Alert:
    """One alert the actor may read; missing and not-yours are both NotFound."""
    alert = _scoped(actor).select_related("agency", "assignee").filter(pk=alert_id).first()
    if alert is None:
        raise NotFound("预警不存在")
    return alert


def alert_may_act(*, actor, alert: Alert) -> bool:
    """Whether ``actor`` may handle ``alert``: discipline reads every alert but acts on none; the bureau acts on
    all; an agency manager on its own agency's alerts.
    """
    if not actor.is_authenticated:
        return False
    if actor.role == Role.BUREAU:
        return True
    return actor.role in (Role.AGENCY_ADMIN, Role.AGENCY_HEAD) and alert.agency_id == actor.agency_id


def alert_actions(*, actor, alert: Alert) -> dict[str, bool]:
    """Which actions the alert's page offers ``actor``: ``acts`` (may handle it at all), ``can_acknowledge``,
    ``can_resolve`` and ``can_reopen`` (``workflows.ALERT``).
    """
    acts = alert_may_act(actor=actor, alert=alert)
    role = getattr(actor, "role", None)
    return {
        "acts": acts,
        "can_acknowledge": acts and ALERT.allowed(alert.state, "acknowledge"),
        "can_resolve": acts and ALERT.allowed(alert.state, "resolve", role),
        "can_reopen": ALERT.allowed(alert.state, "reopen", role),
    }


def alert_assignable_users(*, actor, alert: Alert):
    """Users ``actor`` may give ``alert`` to: people who can read it and act on it. The bureau chooses among
    the bureau and the alert agency's managers; an agency manager among its own agency's managers.
    """
    from clearcheck.accounts.models import User

    managers = Q(role__in=(Role.AGENCY_ADMIN, Role.AGENCY_HEAD), agency_id=alert.agency_id) if alert.agency_id \
        else Q(pk__in=[])
    if actor.role == Role.BUREAU:
        scope = Q(role=Role.BUREAU) | managers
    elif actor.role in (Role.AGENCY_ADMIN, Role.AGENCY_HEAD) and actor.agency_id == alert.agency_id:
        scope = managers
    else:
        return User.objects.none()
    return User.objects.filter(scope, is_active=True).order_by("role", "username")


def alert_history(*, actor, alert: Alert):
    """The alert's audit trail (raised, repeats, acknowledged, assigned, resolved), oldest first: every event
    of the alert, whichever label the chain recorded it under (``supervision.alert``, ``alerts.alert``; ADR 0019).
    """
    alert_get_for_actor(actor=actor, alert_id=alert.pk)  # the caller may read the alert
    return audit_trail(alert).order_by("id")


def alert_dedup_keys_existing(keys) -> set[str]:
    """Which of ``keys`` already name an alert: a periodic job raises only the new ones, so an unchanged
    situation is neither counted again nor audited again on every run.
    """
    keys = list(keys)
    found: set[str] = set()
    for start in range(0, len(keys), 500):  # bounded IN lists on both databases
        found.update(Alert.objects.filter(dedup_key__in=keys[start:start + 500]).values_list("dedup_key", flat=True))
    return found


def alert_rule_counts(*, year: int, agency_id: int | None = None) -> list[tuple[str, int, int]]:
    """``(rule, alerts, still open)`` per rule for alerts raised in ``year`` (of one agency, when given), by
    rule: one query. The caller has already scoped ``agency_id`` to the actor (dashboards).
    """
    qs = Alert.objects.filter(raised_at__year=year)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    return [(r["rule_id"], r["n"], r["open"]) for r in qs.values("rule_id").annotate(
        n=Count("id"), open=Count("id", filter=~Q(state=AlertState.RESOLVED))).order_by("rule_id")]


def alerts_about(subject) -> QuerySet[Alert]:
    """The alerts raised about ``subject``, oldest first, for a page that already scoped ``subject`` to its
    reader (the enterprise reads how the bureau handled the alert its refusal report raised, issue 19).
    """
    subject_type, subject_id = subject_describe(subject)
    return Alert.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by("raised_at", "id")
