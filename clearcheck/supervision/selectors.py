"""Alert reads, scoped by actor: the bureau and discipline see all; an agency sees its own."""

from django.db.models import QuerySet

from clearcheck.accounts.choices import Role
from clearcheck.core.errors import NotFound

from .models import Alert


def alert_list_for_actor(*, actor, state: str | None = None, rule_id: str | None = None) -> QuerySet[Alert]:
    """Alerts the actor may read, newest first."""
    qs = Alert.objects.select_related("agency")
    if not actor.is_authenticated:
        return qs.none()
    if actor.role in (Role.BUREAU, Role.DISCIPLINE):
        pass
    elif actor.role in (Role.AGENCY_ADMIN, Role.AGENCY_HEAD) and actor.agency_id:
        qs = qs.filter(agency_id=actor.agency_id)
    else:
        return qs.none()
    if state:
        qs = qs.filter(state=state)
    if rule_id:
        qs = qs.filter(rule_id=rule_id)
    return qs.order_by("-raised_at", "-id")


def alert_get_for_actor(*, actor, alert_id: int) -> Alert:
    """One alert the actor may read; missing and not-yours are both NotFound."""
    alert = alert_list_for_actor(actor=actor).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound("预警不存在")
    return alert


def alert_dedup_keys_existing(keys) -> set[str]:
    """Which of ``keys`` already name an alert: a periodic job raises only the new ones, so an unchanged
    situation is neither counted again nor audited again on every run.
    """
    keys = list(keys)
    found: set[str] = set()
    for start in range(0, len(keys), 500):  # bounded IN lists on both databases
        found.update(Alert.objects.filter(dedup_key__in=keys[start:start + 500]).values_list("dedup_key", flat=True))
    return found
