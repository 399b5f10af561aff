"""Account reads and the actor's scope."""

from .choices import AGENCY_ROLES, COUNTY_ROLES, Role


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
