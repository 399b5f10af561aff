"""Allowed transitions of planning records: tasks, annual plans, special plans (one table each).

Task (R06, R07, R10)::

    draft ──submit (事前备案)──► submitted ──approve (agency head)──► approved ──complete──► completed
      │                             └──reject (agency head)──► rejected
      └──start_urgent (urgent sources, R10)──► urgent_started ──approve (补办, agency head)──► approved
    draft / submitted / urgent_started / approved ──cancel──► cancelled

Special plan (R08)::

    draft ──submit──► submitted ──approve (government)──► approved (published on approval)
                          └──reject (government)──► rejected ──(edit, resubmit)──► submitted
"""

from clearcheck.accounts.choices import Role
from clearcheck.core.workflows import Machine, Transition

from .choices import JointStatus, PlanStatus, SpecialPlanStatus, TaskStatus

_T = TaskStatus

TASK = Machine(
    noun="检查任务",
    labels=dict(TaskStatus.choices),
    transitions={
        "submit": Transition(frozenset({_T.DRAFT, _T.REJECTED}), _T.SUBMITTED, "提报"),
        "start_urgent": Transition(frozenset({_T.DRAFT}), _T.URGENT_STARTED, "紧急实施"),
        # R07: only the agency head approves; the department head is refused by the rule, not by this table.
        "approve": Transition(frozenset({_T.SUBMITTED, _T.URGENT_STARTED}), _T.APPROVED, "批准"),
        "reject": Transition(frozenset({_T.SUBMITTED}), _T.REJECTED, "退回"),
        "cancel": Transition(frozenset({_T.DRAFT, _T.SUBMITTED, _T.URGENT_STARTED, _T.APPROVED}), _T.CANCELLED,
                             "取消"),
        "complete": Transition(frozenset({_T.APPROVED}), _T.COMPLETED, "完成"),
    },
    editable=frozenset({_T.DRAFT, _T.REJECTED}),
)
# A task officers may enter under (R06, R10): approved, or started as urgent with its approval to follow.
TASK_ENTERABLE = frozenset({_T.APPROVED, _T.URGENT_STARTED})

ANNUAL_PLAN = Machine(
    noun="年度检查计划",
    labels=dict(PlanStatus.choices),
    transitions={
        # Filing freezes the working copy into an immutable PlanFiling; a filed plan may be amended
        # (edited) and filed again with a reason, which makes the next filed version.
        "file": Transition(frozenset({PlanStatus.DRAFT, PlanStatus.FILED}), PlanStatus.FILED, "备案"),
    },
    editable=frozenset({PlanStatus.DRAFT, PlanStatus.FILED}),
)

_S = SpecialPlanStatus

SPECIAL_PLAN = Machine(
    noun="专项检查计划",
    labels=dict(SpecialPlanStatus.choices),
    transitions={
        "submit": Transition(frozenset({_S.DRAFT, _S.REJECTED}), _S.SUBMITTED, "报批",
                             frozenset({Role.AGENCY_ADMIN, Role.AGENCY_HEAD})),
        "approve": Transition(frozenset({_S.SUBMITTED}), _S.APPROVED, "批准", frozenset({Role.GOVERNMENT})),
        "reject": Transition(frozenset({_S.SUBMITTED}), _S.REJECTED, "不予批准", frozenset({Role.GOVERNMENT})),
        # A vertically managed agency's superior organ has no account here: the lead agency records
        # the superior's approval document (approver_kind = vertical_superior).
        "record_superior_approval": Transition(frozenset({_S.SUBMITTED}), _S.APPROVED, "登记上级机关批准",
                                               frozenset({Role.AGENCY_ADMIN, Role.AGENCY_HEAD})),
        "amend": Transition(frozenset({_S.APPROVED}), _S.APPROVED, "紧急修改并备案",
                            frozenset({Role.AGENCY_ADMIN, Role.AGENCY_HEAD})),
    },
    editable=frozenset({_S.DRAFT, _S.REJECTED}),
)

JOINT = Machine(
    noun="联合检查",
    labels=dict(JointStatus.choices),
    transitions={"dissolve": Transition(frozenset({JointStatus.PLANNED}), JointStatus.DISSOLVED, "解散")},
)
