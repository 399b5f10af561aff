"""State machines: each app declares its allowed transitions once, in its ``workflows.py``, with this.

A transition names the states it may start from, the state it leads to, a label for buttons and
messages, and (optionally) the roles that may take it. Services ask the machine for the next
state; pages ask it which actions to offer. No other code lists which state allows what.
"""

from dataclasses import dataclass, field

from .errors import Conflict, PermissionDenied


@dataclass(frozen=True)
class Transition:
    """One step of a machine. Empty ``roles``: the service decides who may act (e.g. by agency)."""

    sources: frozenset[str]
    target: str
    label: str
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Machine:
    """A record's states and the transitions between them."""

    noun: str
    labels: dict[str, str]
    transitions: dict[str, Transition]
    editable: frozenset[str] = field(default_factory=frozenset)
    edit_hint: str = ""  # what to do instead of editing, e.g. "请生成新版本"

    def _status_label(self, status: str) -> str:
        return self.labels.get(status, status)

    def target(self, status: str, action: str, subject: str = "", role: str | None = None) -> str:
        """The state ``action`` leads to from ``status``; PermissionDenied / Conflict when not allowed."""
        step = self.transitions[action]
        if step.roles and role not in step.roles:
            raise PermissionDenied(f"无权对{self.noun}{subject and '“' + subject + '”'}办理“{step.label}”")
        if status not in step.sources:
            raise Conflict(
                f"{self.noun}{subject and '“' + subject + '”'}当前为“{self._status_label(status)}”,不能{step.label}"
            )
        return step.target

    def allowed(self, status: str, action: str, role: str | None = None) -> bool:
        """Whether ``action`` may start from ``status`` (for ``role``, when the step names roles)."""
        step = self.transitions[action]
        return status in step.sources and (not step.roles or role in step.roles)

    def actions_for(self, status: str, role: str | None = None) -> list[tuple[str, str]]:
        """(action, label) pairs open from ``status`` to ``role``: the buttons a page shows."""
        return [(name, step.label) for name, step in self.transitions.items() if self.allowed(status, name, role)]

    def editable_check(self, status: str, subject: str = "") -> None:
        """Conflict unless a record in ``status`` may still be edited."""
        if status not in self.editable:
            raise Conflict(
                f"{self.noun}{subject and '“' + subject + '”'}当前为“{self._status_label(status)}”,不可修改"
                + (f";{self.edit_hint}" if self.edit_hint else "")
            )
