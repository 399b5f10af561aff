"""Allowed transitions of an alert.

::

    open ──acknowledge──► acknowledged ──resolve (note required)──► resolved
    open ──resolve──► resolved ──reopen (bureau)──► open
"""

from clearcheck.accounts.choices import Role
from clearcheck.core.workflows import Machine, Transition

from .choices import AlertState

_A = AlertState

ALERT = Machine(
    noun="预警",
    labels=dict(AlertState.choices),
    transitions={
        "acknowledge": Transition(frozenset({_A.OPEN}), _A.ACKNOWLEDGED, "标记已知悉"),
        "resolve": Transition(frozenset({_A.OPEN, _A.ACKNOWLEDGED}), _A.RESOLVED, "办结",
                              frozenset({Role.BUREAU, Role.AGENCY_ADMIN, Role.AGENCY_HEAD})),
        "reopen": Transition(frozenset({_A.RESOLVED}), _A.OPEN, "重新打开", frozenset({Role.BUREAU})),
    },
)
