"""Allowed transitions of supervision matters, notices and referrals (an alert's are
``clearcheck.alerts.workflows``).

SupervisionMatter::

    open ──handle (a directive is issued)──► handling ──conclude──► concluded
    open ──conclude──► concluded

Notice: draft ──publish (bureau)──► published (immutable; a correction is a new notice).
Referral: referred ──receive (discipline)──► received.
"""

from clearcheck.accounts.choices import Role
from clearcheck.core.workflows import Machine, Transition

from .choices import MatterStatus

_M = MatterStatus
_BUREAU = frozenset({Role.BUREAU})

MATTER = Machine(
    noun="督办事项",
    labels=dict(MatterStatus.choices),
    transitions={
        "handle": Transition(frozenset({_M.OPEN, _M.HANDLING}), _M.HANDLING, "督办", _BUREAU),
        "conclude": Transition(frozenset({_M.OPEN, _M.HANDLING}), _M.CONCLUDED, "办结", _BUREAU),
    },
    editable=frozenset({_M.OPEN, _M.HANDLING}),
    edit_hint="已办结的督办事项不能再增加约谈、通报或移送,请新建督办事项",
)

NOTICE_DRAFT, NOTICE_PUBLISHED = "draft", "published"
NOTICE = Machine(
    noun="通报",
    labels={NOTICE_DRAFT: "草稿", NOTICE_PUBLISHED: "已公开"},
    transitions={"publish": Transition(frozenset({NOTICE_DRAFT}), NOTICE_PUBLISHED, "公开发布", _BUREAU)},
    editable=frozenset({NOTICE_DRAFT}),
    edit_hint="已公开的通报不可修改,如需更正请发布新的更正通报",
)

REFERRAL_SENT, REFERRAL_RECEIVED = "referred", "received"
REFERRAL = Machine(
    noun="移送纪检监察",
    labels={REFERRAL_SENT: "已移送", REFERRAL_RECEIVED: "已接收"},
    transitions={"receive": Transition(frozenset({REFERRAL_SENT}), REFERRAL_RECEIVED, "已接收",
                                       frozenset({Role.DISCIPLINE}))},
)
