"""The vocabulary of route expectations: roles, role groups and ``Access`` (who gets 200 on GET)."""

from dataclasses import dataclass, field

ANON = "anonymous"
ROLES = ("bureau", "government", "discipline", "agency_admin", "agency_head", "department_head", "officer",
         "enterprise")
EVERYONE = frozenset({ANON, *ROLES})
SIGNED_IN = frozenset(ROLES)
NOBODY: frozenset = frozenset()
COUNTY = frozenset({"bureau", "government", "discipline"})
AGENCY = frozenset({"agency_admin", "agency_head", "department_head", "officer"})
AGENCY_MANAGERS = frozenset({"agency_admin", "agency_head"})
INTERNAL = COUNTY | AGENCY
BUREAU = frozenset({"bureau"})


@dataclass(frozen=True)
class Access:
    """Who gets 200 on GET. ``empty``: roles that get 200 but an empty API page (``items == []``), the
    answer of a list to a role that has nothing in its scope. ``status`` overrides the expected status
    for particular roles (e.g. 405 for a POST-only action that a permitted role reaches with GET).
    """

    ok: frozenset
    status: dict = field(default_factory=dict)
    empty: frozenset = frozenset()


def _roles(groups) -> frozenset:
    roles: set = set()
    for g in groups:
        roles |= {g} if isinstance(g, str) else set(g)
    return frozenset(roles)


def ok(*groups, empty=()) -> Access:
    """Access for the union of ``groups`` (role names or sets of them); ``empty`` roles see an empty page."""
    empty_roles = _roles([empty] if isinstance(empty, str) else empty)
    return Access(_roles(groups) | empty_roles, empty=empty_roles)


def post_only(*groups) -> Access:
    """A POST-only action: the permitted roles get 405 on GET, the others are turned away as usual."""
    base = ok(*groups)
    return Access(NOBODY, {role: 405 for role in base.ok})
