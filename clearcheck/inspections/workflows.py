"""Allowed transitions of on-site work: visits (R11, R14), on-site records (R16), findings and dispositions
(R19), referrals. (Recusal requests, R13, are registry's: ``registry.workflows.RECUSAL``.)
"""

from clearcheck.core.workflows import Machine, Transition

from .choices import (
    DispositionStatus,
    FindingStatus,
    RecordStatus,
    ReferralStatus,
    VisitStatus,
)

_V = VisitStatus
VISIT = Machine(
    noun="入企记录",
    labels=dict(VisitStatus.choices),
    transitions={
        # R14: opens when enough qualified officers of the team have confirmed on their own accounts.
        "open": Transition(frozenset({_V.PENDING}), _V.OPEN, "开始检查"),
        "expire": Transition(frozenset({_V.PENDING}), _V.EXPIRED, "确认超时"),
        "cancel": Transition(frozenset({_V.PENDING, _V.OPEN}), _V.CANCELLED, "撤销入企"),
        # R16/R17 (inspection) or a note of what was done (R26): see services.records.
        "close": Transition(frozenset({_V.OPEN}), _V.CLOSED, "结束检查"),
    },
)

RECORD = Machine(
    noun="现场检查笔录",
    labels=dict(RecordStatus.choices),
    transitions={"close": Transition(frozenset({RecordStatus.DRAFTING}), RecordStatus.CLOSED, "完成笔录")},
    editable=frozenset({RecordStatus.DRAFTING}),
    edit_hint="笔录已完成,不能修改",
)

FINDING = Machine(
    noun="检查发现",
    labels=dict(FindingStatus.choices),
    transitions={"close": Transition(frozenset({FindingStatus.OPEN}), FindingStatus.CLOSED, "办结")},
)

DISPOSITION = Machine(
    noun="检查结果处置",
    labels=dict(DispositionStatus.choices),
    transitions={"close": Transition(frozenset({DispositionStatus.OPEN}), DispositionStatus.CLOSED, "办结")},
)

_R = ReferralStatus
REFERRAL = Machine(
    noun="移送",
    labels=dict(ReferralStatus.choices),
    transitions={
        "accept": Transition(frozenset({_R.PENDING}), _R.ACCEPTED, "接收"),
        "handle": Transition(frozenset({_R.PENDING, _R.ACCEPTED}), _R.HANDLED, "办结"),
    },
)
