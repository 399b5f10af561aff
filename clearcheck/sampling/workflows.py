"""Allowed transitions of a draw (R24).

Draw::

    draft ──commit──► committed ──select──► selected ──reveal (after the window)──► revealed
    draft / committed ──cancel──► cancelled
"""

from clearcheck.core.workflows import Machine, Transition

from .choices import DrawStatus

_D = DrawStatus

DRAW = Machine(
    noun="双随机抽取",
    labels=dict(DrawStatus.choices),
    transitions={
        "commit": Transition(frozenset({_D.DRAFT}), _D.COMMITTED, "固化对象库并公布承诺值"),
        "select": Transition(frozenset({_D.COMMITTED}), _D.SELECTED, "录入公开随机数并抽取"),
        "reveal": Transition(frozenset({_D.SELECTED}), _D.REVEALED, "公开密钥与抽取结果"),
        "cancel": Transition(frozenset({_D.DRAFT, _D.COMMITTED}), _D.CANCELLED, "作废"),
    },
    editable=frozenset({_D.DRAFT}),
    edit_hint="已固化的抽取不能修改,请作废后重新发起",
)
