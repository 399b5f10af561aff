"""The allowed status transitions of the catalog, in one table per kind of record.

Services ask ``transition_target`` for the next status and ``editable_check`` before an edit;
no other module lists which status allows what.
"""

from dataclasses import dataclass

from clearcheck.core.errors import Conflict

from .choices import ItemStatus, VersionStatus


@dataclass(frozen=True)
class Machine:
    """A state machine: action → (statuses it may start from, status it leads to); editable statuses."""

    noun: str
    transitions: dict[str, tuple[frozenset[str], str]]
    editable: frozenset[str]
    labels: dict[str, str]


ITEM = Machine(
    noun="检查事项",
    transitions={
        "publish": (frozenset({ItemStatus.DRAFT}), ItemStatus.PUBLISHED),
        "withdraw": (frozenset({ItemStatus.DRAFT, ItemStatus.PUBLISHED}), ItemStatus.WITHDRAWN),
    },
    editable=frozenset({ItemStatus.DRAFT}),
    labels=dict(ItemStatus.choices),
)

NO_PENALTY = Machine(
    noun="免罚清单事项",
    transitions=ITEM.transitions,
    editable=ITEM.editable,
    labels=ITEM.labels,
)

STANDARD = Machine(
    noun="检查标准",
    transitions={
        "publish": (frozenset({VersionStatus.DRAFT}), VersionStatus.PUBLISHED),
        "supersede": (frozenset({VersionStatus.PUBLISHED}), VersionStatus.SUPERSEDED),
        "new_version": (frozenset({VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED}), VersionStatus.DRAFT),
    },
    editable=frozenset({VersionStatus.DRAFT}),
    labels=dict(VersionStatus.choices),
)

CHECKLIST = Machine(
    noun="检查表单",
    transitions=STANDARD.transitions,
    editable=STANDARD.editable,
    labels=STANDARD.labels,
)

_ACTION_LABELS = {"publish": "发布", "withdraw": "撤回", "supersede": "替代", "new_version": "生成新版本"}


def transition_allowed(machine: Machine, status: str, action: str) -> bool:
    """Whether ``action`` may start from ``status``."""
    sources, _ = machine.transitions[action]
    return status in sources


def transition_target(machine: Machine, status: str, action: str, subject: str) -> str:
    """The status ``action`` leads to from ``status``; Conflict naming ``subject`` when not allowed."""
    sources, target = machine.transitions[action]
    if status not in sources:
        raise Conflict(
            f"{machine.noun}“{subject}”当前为“{machine.labels.get(status, status)}”,不能{_ACTION_LABELS[action]}"
        )
    return target


def editable_check(machine: Machine, status: str, subject: str) -> None:
    """Conflict naming ``subject`` unless a record in ``status`` may be edited (published versions never)."""
    if status not in machine.editable:
        raise Conflict(
            f"{machine.noun}“{subject}”当前为“{machine.labels.get(status, status)}”,已发布的版本不可修改;"
            "请撤回后新增,或生成新版本"
        )
