"""The allowed status transitions of the catalog, in one table per kind of record.

Services ask ``transition_target`` for the next status and ``editable_check`` before an edit;
no other module lists which status allows what. The machines are ``core.workflows.Machine``.
"""

from clearcheck.core.workflows import Machine, Transition

from .choices import ItemStatus, VersionStatus

_LIST_EDIT_HINT = "已发布的版本不可修改;请撤回后新增,或生成新版本"

ITEM = Machine(
    noun="检查事项",
    labels=dict(ItemStatus.choices),
    transitions={
        "publish": Transition(frozenset({ItemStatus.DRAFT}), ItemStatus.PUBLISHED, "发布"),
        "withdraw": Transition(frozenset({ItemStatus.DRAFT, ItemStatus.PUBLISHED}), ItemStatus.WITHDRAWN, "撤回"),
    },
    editable=frozenset({ItemStatus.DRAFT}),
    edit_hint=_LIST_EDIT_HINT,
)

NO_PENALTY = Machine(noun="免罚清单事项", labels=ITEM.labels, transitions=ITEM.transitions, editable=ITEM.editable,
                     edit_hint=_LIST_EDIT_HINT)

STANDARD = Machine(
    noun="检查标准",
    labels=dict(VersionStatus.choices),
    transitions={
        "publish": Transition(frozenset({VersionStatus.DRAFT}), VersionStatus.PUBLISHED, "发布"),
        "supersede": Transition(frozenset({VersionStatus.PUBLISHED}), VersionStatus.SUPERSEDED, "替代"),
        "new_version": Transition(frozenset({VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED}), VersionStatus.DRAFT,
                                  "生成新版本"),
    },
    editable=frozenset({VersionStatus.DRAFT}),
    edit_hint=_LIST_EDIT_HINT,
)

CHECKLIST = Machine(noun="检查表单", labels=STANDARD.labels, transitions=STANDARD.transitions,
                    editable=STANDARD.editable, edit_hint=_LIST_EDIT_HINT)


def transition_target(machine: Machine, status: str, action: str, subject: str) -> str:
    """The status ``action`` leads to from ``status``; Conflict naming ``subject`` when not allowed."""
    return machine.target(status, action, subject)


def editable_check(machine: Machine, status: str, subject: str) -> None:
    """Conflict naming ``subject`` unless a record in ``status`` may be edited (published versions never)."""
    machine.editable_check(status, subject)
