"""Officer–enterprise pairs a double-random draw must not assign (read by ``sampling`` at commit): rotation,
the officers of the agency's latest closed inspection of the enterprise (轮换). (The recused pairs, R13, are
registry's: ``registry.recusal_reads.recusal_pairs``.)
"""

from django.db.models import OuterRef, Subquery

from ..choices import VisitKind, VisitStatus
from ..models import Visit, VisitOfficer


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
