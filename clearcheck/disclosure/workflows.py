"""Allowed transitions of a handbook version (一业一册, ARCHITECTURE principle 6).

HandbookVersion::

    draft ──publish (bureau)──► published ──supersede (when the next version is published)──► superseded
"""

from clearcheck.accounts.choices import Role
from clearcheck.core.workflows import Machine, Transition

from .choices import HandbookStatus

_H = HandbookStatus

HANDBOOK_VERSION = Machine(
    noun="一业一册版本",
    labels=dict(HandbookStatus.choices),
    transitions={
        "publish": Transition(frozenset({_H.DRAFT}), _H.PUBLISHED, "发布", frozenset({Role.BUREAU})),
        "supersede": Transition(frozenset({_H.PUBLISHED}), _H.SUPERSEDED, "由新版本替代"),
    },
    editable=frozenset({_H.DRAFT}),
    edit_hint="已发布的版本不可修改,请新建修订草稿",
)
