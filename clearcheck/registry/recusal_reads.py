"""Granted recusals (R13): the one reader of "recused", below both ``recusals`` (the requests' writes and
pages) and ``rules`` (the R13 refusals), so that each may import it without importing the other.

A granted recusal request is the recusal; every reader here narrows ``recusals_granted`` (the check-in's
hand-written statement is pinned to it by a test, ADR 0015). Planning, sampling and inspections read it
through ``rules.recusal_refusal`` / ``rules.pairs_recusal_refusal`` or the pair readers below (ADR 0021).
"""

from django.db.models import QuerySet

from .choices import RecusalStatus
from .models import RecusalRequest


def recusals_granted() -> QuerySet[RecusalRequest]:
    """Every granted recusal: the one definition of "recused" that each reader below narrows."""
    return RecusalRequest.objects.filter(status=RecusalStatus.GRANTED)


def recused_officer_ids(enterprise_id, officer_ids) -> set[int]:
    """Of ``officer_ids`` (ids or Officer rows), those recused from the enterprise (one query)."""
    ids = {int(getattr(o, "pk", o)) for o in officer_ids}
    if not ids:
        return set()
    return set(recusals_granted().filter(enterprise_id=int(getattr(enterprise_id, "pk", enterprise_id)),
                                         officer_id__in=ids).values_list("officer_id", flat=True))


def recusal_pairs(agency_ids) -> set[tuple[str, str]]:
    """(credential no, USCC) of every granted recusal of the agencies' officers (a draw's exclusions)."""
    return set(recusals_granted().filter(agency_id__in=list(agency_ids))
               .values_list("officer__credential_no", "enterprise__uscc"))


def recusal_pairs_by_id(officer_ids) -> set[tuple[int, int]]:
    """(officer id, enterprise id) of every granted recusal of these officers."""
    return set(recusals_granted().filter(officer_id__in=list(officer_ids)).values_list("officer_id", "enterprise_id"))
