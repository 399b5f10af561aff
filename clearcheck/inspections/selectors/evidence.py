"""Reads of evidence (R18), scoped by actor, and the audio/video coverage of a visit (R17).

Who reads the evidence of a visit (the visits' own scope, ``selectors.visits.visits_for_actor``, narrowed):
- an officer: only visits in which they confirmed (another officer, even of the same agency, gets 404);
- the agency's admin, head and department heads: visits of their agency (or with a task of it, in a joint
  inspection);
- the bureau and discipline inspection: every visit (supervision); the county government none;
- the enterprise: the list of its visits' evidence with hashes (so it can later tell that nothing was
  swapped), but the files only of what it provided itself (origin ``enterprise``).
Missing and not-yours are the same NotFound.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_enterprise_id, actor_has_role
from clearcheck.core.errors import NotFound

from ..choices import AV_KINDS, EvidenceOrigin, UploadStatus, VisitStatus
from ..models import Evidence, EvidenceUpload, Visit, VisitOfficer
from .requests import MAX_ID
from .visits import visit_officer_for_actor, visits_for_actor

MANAGER_ROLES = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD, Role.DEPARTMENT_HEAD)
READER_ROLES = (Role.OFFICER, *MANAGER_ROLES, Role.BUREAU, Role.DISCIPLINE, Role.ENTERPRISE)


def _officer_id(actor) -> int | None:
    if actor_has_role(actor, Role.OFFICER):
        return getattr(actor, "officer_id", None)
    return None


def evidence_visits_for_actor(actor) -> QuerySet[Visit]:
    """The visits whose evidence the actor may read: those the actor may read (``visits_for_actor``), for
    an officer only those they confirmed in; the county government reads no evidence.
    """
    if not actor_has_role(actor, *READER_ROLES):
        return Visit.objects.none()
    qs = visits_for_actor(actor)
    if officer_id := _officer_id(actor):
        qs = qs.filter(Exists(VisitOfficer.objects.filter(visit=OuterRef("pk"), officer_id=officer_id,
                                                          confirmed_at__isnull=False)))
    return qs


def _db_id(value) -> int | None:
    try:
        pk = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= MAX_ID else None


def evidence_visit_get_for_actor(*, actor, visit_id) -> Visit:
    """The visit, when the actor may read its evidence; NotFound otherwise."""
    pk = _db_id(visit_id)
    visit = evidence_visits_for_actor(actor).filter(pk=pk).first() if pk else None
    if visit is None:
        raise NotFound("入企记录不存在")
    return visit


def evidence_for_visit(*, actor, visit_id) -> QuerySet[Evidence]:
    """The evidence of one visit the actor may read (NotFound for a visit out of scope), by id."""
    visit = evidence_visit_get_for_actor(actor=actor, visit_id=visit_id)
    return Evidence.objects.filter(visit=visit).select_related("visit", "captured_by").order_by("id")


def evidence_get_for_actor(*, actor, evidence_id) -> Evidence:
    """One piece of evidence the actor may read; missing and not-yours are both NotFound."""
    pk = _db_id(evidence_id)
    record = None
    if pk:
        record = (Evidence.objects.select_related("visit", "visit__enterprise", "visit__agency", "captured_by")
                  .filter(pk=pk, visit__in=evidence_visits_for_actor(actor)).first())
    if record is None:
        raise NotFound("证据不存在")
    return record


def evidence_file_allowed(actor, evidence: Evidence) -> bool:
    """Whether the actor may download the file (not only see the metadata) of evidence it can read."""
    if actor_enterprise_id(actor):
        return evidence.origin == EvidenceOrigin.ENTERPRISE
    return True


def evidence_file_get_for_actor(*, actor, evidence_id) -> Evidence:
    """The evidence whose file the actor may download; NotFound otherwise (the enterprise: its own documents)."""
    record = evidence_get_for_actor(actor=actor, evidence_id=evidence_id)
    if not evidence_file_allowed(actor, record):
        raise NotFound("证据不存在")
    return record


def visit_officer_confirmed(actor, visit: Visit) -> VisitOfficer | None:
    """The acting officer's confirmed place in ``visit`` (None for anyone else)."""
    return visit_officer_for_actor(actor, visit)


def evidence_can_upload(actor, visit: Visit) -> bool:
    """Whether the actor may add evidence to ``visit`` now: a confirmed officer of it while it is open."""
    return visit.status == VisitStatus.OPEN and visit_officer_confirmed(actor, visit) is not None


def visit_confirmed_officers(visit: Visit) -> list[VisitOfficer]:
    """The confirmed officers of a visit (who may be named as having captured evidence)."""
    return list(VisitOfficer.objects.select_related("officer")
                .filter(visit=visit, confirmed_at__isnull=False).order_by("-initiator", "id"))


def evidence_upload_get_for_actor(*, actor, upload_id) -> EvidenceUpload:
    """A chunked upload of the actor's own (only whoever created it resumes or aborts it)."""
    try:
        key = uuid.UUID(str(upload_id))
    except (TypeError, ValueError):
        raise NotFound("上传任务不存在") from None
    upload = None
    if actor is not None and getattr(actor, "is_authenticated", False):
        upload = (EvidenceUpload.objects.select_related("visit", "evidence")
                  .filter(pk=key, created_by_user_id=actor.pk).first())
    if upload is None:
        raise NotFound("上传任务不存在")
    return upload


def evidence_uploads_open_for_actor(*, actor, visit: Visit) -> QuerySet[EvidenceUpload]:
    """The actor's unfinished chunked uploads to ``visit`` (the page offers to resume them)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return EvidenceUpload.objects.none()
    return EvidenceUpload.objects.filter(visit=visit, created_by_user_id=actor.pk,
                                         status=UploadStatus.RECEIVING).order_by("created_at")


def av_gap() -> dt.timedelta:
    """Gaps up to this long between recordings still count as covered (a camera splitting its files);
    the same setting B1's R17 check reads (``CLEARCHECK_AV_GAP_SECONDS``, 120 s).
    """
    return dt.timedelta(seconds=int(getattr(settings, "CLEARCHECK_AV_GAP_SECONDS", 120)))


def av_coverage(visit: Visit, until: dt.datetime, *, gap: dt.timedelta | None = None
                ) -> list[tuple[dt.datetime, dt.datetime]]:
    """The spans of ``visit`` from check-in (``opened_at``, else ``started_at``) to ``until`` covered by the
    officers' own audio/video evidence (R17), clipped to that span, merged and in order; recordings closer
    than ``gap`` join into one span.

    Only evidence of origin ``captured`` counts: a recording handed over by the enterprise or a third
    party is no record of the officers' own conduct (R25).
    """
    gap = av_gap() if gap is None else gap
    start = visit.opened_at or visit.started_at
    spans = sorted(
        (max(a, start), min(b, until))
        for a, b in Evidence.objects.filter(
            visit=visit, kind__in=AV_KINDS, origin=EvidenceOrigin.CAPTURED, withdrawn_at__isnull=True,
            covers_from__isnull=False, covers_to__isnull=False, covers_from__lt=until, covers_to__gt=start,
        ).values_list("covers_from", "covers_to")
    )
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for a, b in spans:
        if a >= b:
            continue
        if merged and a <= merged[-1][1] + gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
