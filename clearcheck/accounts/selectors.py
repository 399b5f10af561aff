"""Account reads and the actor's scope."""

import json

from django.utils.translation import gettext as _

from clearcheck.audit.models import AuditEvent

from .choices import AGENCY_ROLES, COUNTY_ROLES, Role
from .models import User


def actor_is_county(actor) -> bool:
    """Bureau, county government or discipline inspection: county-wide readers."""
    return bool(actor and actor.is_authenticated and actor.role in COUNTY_ROLES)


def actor_agency_id(actor) -> int | None:
    """The agency an agency user acts for (None for everyone else)."""
    if actor and actor.is_authenticated and actor.role in AGENCY_ROLES:
        return actor.agency_id
    return None


def actor_enterprise_id(actor) -> int | None:
    """The enterprise of an enterprise account (None for everyone else)."""
    if actor and actor.is_authenticated and actor.role == Role.ENTERPRISE:
        return actor.enterprise_id
    return None


def actor_has_role(actor, *roles: str) -> bool:
    """Whether the actor is signed in with one of ``roles``."""
    return bool(actor and actor.is_authenticated and actor.role in roles)


def person_words(user) -> str:
    """A loaded account as a person reads it: ``姓名(角色)``."""
    name = user.display_name or (user.officer.name if user.officer_id else "") or (
        user.enterprise.name if user.enterprise_id else "")
    role = Role(user.role).label if user.role in Role.values else ""
    if name and role:
        return f"{name}({role})"
    return name or str(role) or user.username


def person_labels(usernames) -> dict[str, str]:
    """Recorded usernames as a person reads them (``姓名(角色)``), all in one query: the platform's own actors
    ("system", "public") by those words, an account that no longer exists by its recorded username.
    """
    wanted = {str(u) for u in usernames if u}
    special = {"system": _("系统"), "public": _("公众")}
    users = (User.objects.select_related("officer", "enterprise").filter(username__in=wanted - special.keys())
             .only("username", "display_name", "role", "officer__name", "enterprise__name"))
    labels = {user.username: person_words(user) for user in users}
    return {name: labels.get(name) or special.get(name, name) for name in wanted}


def person_label(username: str) -> str:
    """An account as a person reads it: ``姓名(角色)`` — the account's name, else its officer's or enterprise's
    name, with the role; only an account that no longer exists shows its recorded username.
    """
    return person_labels([username]).get(username, username)


def login_lockouts_between(start, end) -> list[dict]:
    """The sign-in lockouts (audit events ``login.locked``, ``accounts.throttle``) recorded in [start, end),
    oldest first: each ``{"scope": "account"|"address", "user", "username", "address", "at"}``.
    """
    rows = (AuditEvent.objects.filter(action="login.locked", occurred_at__gte=start, occurred_at__lt=end)
            .order_by("occurred_at", "id").values_list("body", "occurred_at"))
    out = []
    for body, at in rows:
        after = json.loads(body).get("after") or {}
        out.append({"scope": after.get("scope"), "user": after.get("user"), "username": after.get("username", ""),
                    "address": after.get("address", ""), "at": at})
    return out
