"""Reads of on-site records, scoped by actor: the officers of the visit and the users of its agencies
(the visit's agency and, in a joint visit, the agencies of its tasks), the county readers, and the
enterprise itself (read-only). Everyone else gets NotFound, like a missing record.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import (
    actor_agency_id,
    actor_enterprise_id,
    actor_has_role,
    actor_is_county,
)
from clearcheck.core.errors import NotFound

from ..choices import EvidenceOrigin, SignerKind, VisitStatus
from ..models import Evidence, OnSiteRecord, RecordEntry, Signature, Visit, VisitOfficer
from ..workflows import RECORD
from .requests import MAX_ID


def _visit_scope(actor):
    """A Q over Visit of what the actor may read, or None for nothing."""
    if actor_is_county(actor):
        return Q()
    if enterprise_id := actor_enterprise_id(actor):
        return Q(enterprise_id=enterprise_id)
    agency_id = actor_agency_id(actor)
    if not agency_id:
        return None
    scope = Q(agency_id=agency_id) | Q(tasks__agency_id=agency_id)
    if officer_id := getattr(actor, "officer_id", None):
        scope |= Q(visit_officers__officer_id=officer_id)
    return scope


def record_visit_get_for_actor(actor, visit_id) -> Visit:
    """The visit (for the record and close pages) the actor may read; NotFound otherwise."""
    try:
        pk = int(visit_id)
    except (TypeError, ValueError):
        raise NotFound("入企记录不存在") from None
    scope = _visit_scope(actor)
    if scope is None or not 0 < pk <= MAX_ID:
        raise NotFound("入企记录不存在")
    ids = Visit.objects.filter(scope).filter(pk=pk).values("pk")
    visit = Visit.objects.select_related("enterprise", "agency").filter(pk__in=ids).first()
    if visit is None:
        raise NotFound("入企记录不存在")
    return visit


def record_get_for_actor(actor, visit_id) -> OnSiteRecord:
    """The on-site record of a visit the actor may read, with entries, signatures and officers loaded."""
    visit = record_visit_get_for_actor(actor, visit_id)
    record = (OnSiteRecord.objects.select_related("visit__enterprise", "visit__agency", "recorder")
              .prefetch_related(
                  Prefetch("entries", queryset=RecordEntry.objects.select_related("item", "recorded_by", "rechecks")
                           .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.only(
                               "pk", "visit_id", "kind", "origin", "proves", "captured_at")))),
                  Prefetch("signatures", queryset=Signature.objects.select_related("officer")),
              ).filter(visit=visit).first())
    if record is None:
        raise NotFound("本次入企没有现场检查笔录")
    return record


def record_officer_for_actor(actor, visit: Visit) -> VisitOfficer | None:
    """The actor's confirmed VisitOfficer when the actor is an officer of the visit's team, else None."""
    officer_id = getattr(actor, "officer_id", None) if actor_has_role(actor, Role.OFFICER) else None
    if not officer_id:
        return None
    return (VisitOfficer.objects.select_related("officer")
            .filter(visit=visit, officer_id=officer_id, confirmed_at__isnull=False).first())


def record_can_write(actor, record: OnSiteRecord) -> bool:
    """Whether the actor may fill in the record now (a confirmed officer, visit open, record drafting)."""
    return (record.visit.status == VisitStatus.OPEN and record.status in RECORD.editable
            and record_officer_for_actor(actor, record.visit) is not None)


@dataclass
class SignatureState:
    """Who has signed a record and who still must (R16)."""

    officers_signed: list = field(default_factory=list)   # Signature rows of officers
    officers_missing: list = field(default_factory=list)  # VisitOfficer rows not yet signed
    enterprise: Signature | None = None


def record_signature_state(record: OnSiteRecord) -> SignatureState:
    """The signatures given and the confirmed officers who have not signed yet."""
    sigs = list(record.signatures.all())
    signed = {s.officer_id for s in sigs if s.signer_kind == SignerKind.OFFICER}
    officers = (VisitOfficer.objects.select_related("officer")
                .filter(visit_id=record.visit_id, confirmed_at__isnull=False).order_by("-initiator", "id"))
    return SignatureState(
        officers_signed=[s for s in sigs if s.signer_kind == SignerKind.OFFICER],
        officers_missing=[vo for vo in officers if vo.officer_id not in signed],
        enterprise=next((s for s in sigs if s.signer_kind == SignerKind.ENTERPRISE), None),
    )


def record_visit_officers(visit: Visit) -> list[VisitOfficer]:
    """The confirmed officers of the visit (recorder choices, the record's officer list)."""
    return list(VisitOfficer.objects.select_related("officer")
                .filter(visit=visit, confirmed_at__isnull=False).order_by("-initiator", "id"))


def record_evidence_choices(visit: Visit) -> list[Evidence]:
    """The visit's evidence an entry may cite (R25: a third party's material cannot be a result's basis)."""
    return list(Evidence.objects.filter(visit=visit, withdrawn_at__isnull=True).exclude(origin=EvidenceOrigin.THIRD_PARTY).order_by("captured_at", "id"))
