"""Domain errors. Services raise these; the web and the API turn them into messages and
RFC 9457 problem documents (``clearcheck.core.problems``). Nothing is written when one is raised,
because every service runs in one transaction.
"""

from dataclasses import dataclass

from django.utils.translation import get_language

from .rules import rule_get


@dataclass(frozen=True)
class FieldError:
    """A validation failure at a field path (``"rows[3].uscc"``, ``"valid_to"``)."""

    field: str
    message: str

    def as_dict(self) -> dict:
        """Serialise for a problem document's ``errors`` list."""
        return {"field": self.field, "message": self.message}


class DomainError(Exception):
    """Base of all errors a service may raise on purpose."""

    status = 400
    title = "请求无法处理"
    type_slug = "domain-error"

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class ValidationFailed(DomainError):
    """Input failed validation; ``errors`` names every bad field."""

    status = 422
    title = "输入校验未通过"
    type_slug = "validation"

    def __init__(self, errors: list[FieldError] | FieldError, detail: str | None = None):
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        summary = detail or ";".join(f"{e.field}: {e.message}" for e in self.errors)
        super().__init__(summary)


class RuleViolation(DomainError):
    """A rule of RULES.md refused the action. Carries the rule ID and clause."""

    status = 409
    title = "违反规则"
    type_slug = "rule"

    def __init__(self, rule_id: str, detail: str | None = None, *, field: str | None = None):
        self.rule = rule_get(rule_id)
        self.field = field
        message = self.rule.message_en if (get_language() or "").startswith("en") else self.rule.message_zh
        super().__init__(f"[{rule_id} · {self.rule.clause}] {detail or message}")
        self.plain = detail or message

    def __reduce__(self):
        # Rebuilt from the rule ID and detail, not from the formatted message (which is not a rule ID): a
        # refusal raised in a worker process (a pool, a job) reaches its caller intact.
        return (_rule_violation, (self.rule.id, self.plain, self.field))

    @property
    def rule_id(self) -> str:
        """The rule's ID, e.g. ``"R12"``."""
        return self.rule.id

    @property
    def errors(self) -> list[FieldError]:
        """Field errors, when the rule refused a particular field."""
        return [FieldError(self.field, self.plain)] if self.field else []


class NotFound(DomainError):
    """Missing, or not visible to this actor: both answer 404 on purpose."""

    status = 404
    title = "未找到"
    type_slug = "not-found"


class PermissionDenied(DomainError):
    """The actor's role may not perform this action."""

    status = 403
    title = "无权操作"
    type_slug = "forbidden"


class Conflict(DomainError):
    """The state of the subject does not allow the action (e.g. editing a published version)."""

    status = 409
    title = "状态冲突"
    type_slug = "conflict"


def _rule_violation(rule_id: str, detail: str, field: str | None) -> RuleViolation:
    return RuleViolation(rule_id, detail, field=field)
