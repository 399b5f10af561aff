"""R13: an officer recused from an enterprise (a granted recusal request) is neither assigned to it nor
checks in there. Task assignment (``planning.rules.task_officers_refusal``) and check-in call these.
"""

from collections.abc import Iterable

from clearcheck.core.errors import RuleViolation

from .choices import RecusalStatus
from .models import RecusalRequest


def _pk(value) -> int:
    return int(getattr(value, "pk", value))


def recused_officer_ids(enterprise_id, officer_ids: Iterable) -> set[int]:
    """Of ``officer_ids``, those recused from the enterprise (one query, whatever the number)."""
    ids = {_pk(o) for o in officer_ids}
    if not ids:
        return set()
    return set(
        RecusalRequest.objects.filter(
            enterprise_id=_pk(enterprise_id), officer_id__in=ids, status=RecusalStatus.GRANTED
        ).values_list("officer_id", flat=True)
    )


def officer_recused(officer_id, enterprise_id) -> bool:
    """Whether the officer is recused from the enterprise (R13)."""
    return bool(recused_officer_ids(enterprise_id, [officer_id]))


def recusal_refusal(officers: Iterable, enterprise) -> RuleViolation | None:
    """R13: the refusal naming the first recused officer among ``officers`` (Officer rows), or None."""
    officers = list(officers)
    if enterprise is None or not officers:
        return None
    recused = recused_officer_ids(enterprise, officers)
    for officer in officers:
        if officer.pk in recused:
            name = getattr(enterprise, "name", None) or "该企业"
            return RuleViolation(
                "R13", f"{officer.name}({officer.credential_no})已决定回避{name},不得指派或入企检查",
                field="officers",
            )
    return None
