"""Allowed transitions of a recusal request (R13): the agency head grants or refuses a pending one."""

from clearcheck.accounts.choices import Role
from clearcheck.core.workflows import Machine, Transition

from .choices import RecusalStatus

_HEAD = frozenset({Role.AGENCY_HEAD})

RECUSAL = Machine(
    noun="回避申请",
    labels=dict(RecusalStatus.choices),
    transitions={
        "grant": Transition(frozenset({RecusalStatus.PENDING}), RecusalStatus.GRANTED, "同意回避", _HEAD),
        "refuse": Transition(frozenset({RecusalStatus.PENDING}), RecusalStatus.REFUSED, "不予回避", _HEAD),
    },
)
