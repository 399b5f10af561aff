"""Officer–enterprise pairs a double-random draw must not assign (read by ``sampling`` at commit).

* recused: a granted recusal request (R13);
* rotation: the officers of the agency's latest closed inspection of the enterprise (轮换).
"""

from django.db.models import OuterRef, Subquery

from ..choices import RecusalStatus, VisitKind, VisitStatus
from ..models import RecusalRequest, Visit, VisitOfficer


def recusal_pairs(agency_ids) -> set[tuple[str, str]]:
    """(credential no, USCC) of every granted recusal of the agencies' officers."""
    rows = (RecusalRequest.objects.filter(agency_id__in=list(agency_ids), status=RecusalStatus.GRANTED)
            .values_list("officer__credential_no", "enterprise__uscc"))
    return set(rows)


def last_inspector_pairs(agency_ids) -> set[tuple[str, str]]:
    """(credential no, USCC) of the officers who made each agency's latest closed inspection of each
    enterprise: one query, the latest visit found by a correlated subquery on the visit index.
    """
    closed = Visit.objects.filter(kind=VisitKind.INSPECTION, status=VisitStatus.CLOSED)
    latest = (closed.filter(agency_id=OuterRef("visit__agency_id"), enterprise_id=OuterRef("visit__enterprise_id"))
              .order_by("-started_at", "-id").values("pk")[:1])
    rows = (VisitOfficer.objects.filter(visit__in=closed.filter(agency_id__in=list(agency_ids)),
                                        confirmed_at__isnull=False)
            .filter(visit_id=Subquery(latest))
            .values_list("officer__credential_no", "visit__enterprise__uscc"))
    return set(rows)


def recusal_pairs_by_id(officer_ids) -> set[tuple[int, int]]:
    """(officer id, enterprise id) of every granted recusal of these officers."""
    rows = (RecusalRequest.objects.filter(officer_id__in=list(officer_ids), status=RecusalStatus.GRANTED)
            .values_list("officer_id", "enterprise_id"))
    return set(rows)
