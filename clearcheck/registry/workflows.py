"""Allowed transitions of the agency list (R01, clause 二(一): 报县政府审定后向社会公告).

::

    draft ──review (bureau)──► reviewed ──approve (government)──► approved ──publish (bureau)──► published
                                  │                                                               │
                                  └──reject (government)──► rejected          a later publication ┘──► superseded

This table is the only copy of the transition list; services call :func:`agency_list_transition_check`.
"""

from clearcheck.accounts.choices import Role
from clearcheck.core.workflows import Machine, Transition

from .choices import AgencyListStatus, RecusalStatus

_S = AgencyListStatus

AGENCY_LIST = Machine(
    noun="行政检查主体清单",
    labels=dict(AgencyListStatus.choices),
    transitions={
        "review": Transition(frozenset({_S.DRAFT}), _S.REVIEWED, "司法局审核", frozenset({Role.BUREAU})),
        "approve": Transition(frozenset({_S.REVIEWED}), _S.APPROVED, "县政府审定", frozenset({Role.GOVERNMENT})),
        "reject": Transition(frozenset({_S.REVIEWED}), _S.REJECTED, "县政府退回", frozenset({Role.GOVERNMENT})),
        "publish": Transition(frozenset({_S.APPROVED}), _S.PUBLISHED, "向社会公布", frozenset({Role.BUREAU})),
    },
)
AGENCY_LIST_TRANSITIONS = AGENCY_LIST.transitions

# Who may start a new version, and which versions count as still in progress (one at a time).
AGENCY_LIST_DRAFT_ROLE = Role.BUREAU
AGENCY_LIST_OPEN_STATES = frozenset({_S.DRAFT, _S.REVIEWED, _S.APPROVED})


def agency_list_transition_check(action: str, *, status: str, role: str) -> Transition:
    """The transition ``action`` from ``status`` for ``role``; PermissionDenied / Conflict when not allowed."""
    AGENCY_LIST.target(status, action, role=role)
    return AGENCY_LIST.transitions[action]


def agency_list_actions_for(*, status: str, role: str) -> list[tuple[str, str]]:
    """(action, label) pairs the role may take on a list in ``status`` (for buttons)."""
    return AGENCY_LIST.actions_for(status, role)


# Recusal requests (R13)::
#
#     pending ──grant (agency head, with reasons)──► granted
#             └─refuse (agency head, with reasons)─► refused
_HEAD = frozenset({Role.AGENCY_HEAD})

RECUSAL = Machine(
    noun="回避申请",
    labels=dict(RecusalStatus.choices),
    transitions={
        "grant": Transition(frozenset({RecusalStatus.PENDING}), RecusalStatus.GRANTED, "同意回避", _HEAD),
        "refuse": Transition(frozenset({RecusalStatus.PENDING}), RecusalStatus.REFUSED, "不予回避", _HEAD),
    },
)
