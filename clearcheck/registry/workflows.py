"""Allowed transitions of the agency list (R01, clause 二(一): 报县政府审定后向社会公告).

::

    draft ──review (bureau)──► reviewed ──approve (government)──► approved ──publish (bureau)──► published
                                  │                                                               │
                                  └──reject (government)──► rejected          a later publication ┘──► superseded

This table is the only copy of the transition list; services call :func:`agency_list_transition_check`.
"""

from dataclasses import dataclass

from clearcheck.accounts.choices import Role
from clearcheck.core.errors import Conflict, PermissionDenied

from .choices import AgencyListStatus


@dataclass(frozen=True)
class Transition:
    """One step: the states it starts from, the state it leads to and the role that may take it."""

    sources: frozenset[str]
    target: str
    role: str
    label: str


AGENCY_LIST_TRANSITIONS: dict[str, Transition] = {
    "review": Transition(frozenset({AgencyListStatus.DRAFT}), AgencyListStatus.REVIEWED, Role.BUREAU, "司法局审核"),
    "approve": Transition(frozenset({AgencyListStatus.REVIEWED}), AgencyListStatus.APPROVED, Role.GOVERNMENT, "县政府审定"),
    "reject": Transition(frozenset({AgencyListStatus.REVIEWED}), AgencyListStatus.REJECTED, Role.GOVERNMENT, "县政府退回"),
    "publish": Transition(frozenset({AgencyListStatus.APPROVED}), AgencyListStatus.PUBLISHED, Role.BUREAU, "向社会公布"),
}

# Who may start a new version, and which versions count as still in progress (one at a time).
AGENCY_LIST_DRAFT_ROLE = Role.BUREAU
AGENCY_LIST_OPEN_STATES = frozenset({AgencyListStatus.DRAFT, AgencyListStatus.REVIEWED, AgencyListStatus.APPROVED})


def agency_list_transition_check(action: str, *, status: str, role: str) -> Transition:
    """The transition ``action`` from ``status`` for ``role``; PermissionDenied / Conflict when not allowed."""
    transition = AGENCY_LIST_TRANSITIONS[action]
    if role != transition.role:
        raise PermissionDenied(f"“{transition.label}”只能由{Role(transition.role).label}办理")
    if status not in transition.sources:
        raise Conflict(f"当前状态为“{AgencyListStatus(status).label}”,不能办理“{transition.label}”")
    return transition


def agency_list_actions_for(*, status: str, role: str) -> list[tuple[str, str]]:
    """(action, label) pairs the role may take on a list in ``status`` (for buttons)."""
    return [(name, t.label) for name, t in AGENCY_LIST_TRANSITIONS.items() if t.role == role and status in t.sources]
