"""Allowed transitions of a complaint (issue 6 §2).

Complaint::

    received ──accept──► accepted ──reply──► handled ──close──► closed
        │                   │ ├─forward (to an agency; stays accepted)
        │                   │ └─report (the agency's handling result; stays accepted)
        └──reject──► rejected ◄──reject──┘

Every complaint reaches the bureau's inbox; the bureau accepts or rejects it (with a reason), may
forward it to an agency that writes its handling result, then replies to the complainant and closes.
"""

from clearcheck.accounts.choices import Role
from clearcheck.core.workflows import Machine, Transition

from .choices import ComplaintStatus

_C = ComplaintStatus
_BUREAU = frozenset({Role.BUREAU})

COMPLAINT = Machine(
    noun="投诉举报",
    labels=dict(ComplaintStatus.choices),
    transitions={
        "accept": Transition(frozenset({_C.RECEIVED}), _C.ACCEPTED, "受理", _BUREAU),
        "forward": Transition(frozenset({_C.ACCEPTED}), _C.ACCEPTED, "转交执法机关办理", _BUREAU),
        # The agency it was forwarded to reports; the service checks which agency (no role list here).
        "report": Transition(frozenset({_C.ACCEPTED}), _C.ACCEPTED, "填报办理结果"),
        "reply": Transition(frozenset({_C.ACCEPTED}), _C.HANDLED, "答复投诉人", _BUREAU),
        "close": Transition(frozenset({_C.HANDLED}), _C.CLOSED, "办结", _BUREAU),
        "reject": Transition(frozenset({_C.RECEIVED, _C.ACCEPTED}), _C.REJECTED, "不予受理", _BUREAU),
    },
)
