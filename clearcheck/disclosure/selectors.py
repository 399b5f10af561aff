"""Reads of the disclosure app: industry handbooks (public and workspace), the public inspection outcomes
(一公开) and the portal's figures.

Public inspection outcomes read the inspections models read-only and set-based (a page of visits costs a
fixed number of queries whatever its size). They are built here, not in inspections, because they are a
disclosure decision: what the law lets the public see. Only structured facts leave this module — the
agency, the date, the published items and their legal basis, the kinds of result — never officer names,
the enterprise's staff, or any free text an officer typed (finding descriptions, notes, opinions). An
individual business (个体工商户) is a natural person trading under a registered name, so its name is masked and
it is not found by a name search either (a search would otherwise confirm a guessed name). Who is masked is
decided once, by ``sampling.pseudonyms.is_masked`` (ADR 0017): the registered type, or a USCC of type 92.
"""

import json

from django.db.models import Count, Q, QuerySet

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_has_role
from clearcheck.audit.selectors import checkpoint_latest
from clearcheck.catalog.choices import ItemStatus
from clearcheck.catalog.models import InspectionItem, NoPenaltyEntry
from clearcheck.core import clock
from clearcheck.core.errors import NotFound
from clearcheck.core.inputs import id_or_none
from clearcheck.inspections.choices import (
    DispositionKind,
    DispositionStatus,
    FindingStatus,
    RecordStatus,
    VisitKind,
    VisitStatus,
)
from clearcheck.inspections.models import Disposition, Finding, RecordEntry, Visit
from clearcheck.registry.models import Agency
from clearcheck.sampling.pseudonyms import MASKED_LABEL, is_masked, masked_q, public_name

from .choices import HandbookStatus, OutcomeKind
from .models import Handbook, HandbookVersion

EDITOR_ROLES = (Role.BUREAU, Role.AGENCY_ADMIN)
MASKED_NAME = MASKED_LABEL
PUBLIC_STATUSES = (HandbookStatus.PUBLISHED, HandbookStatus.SUPERSEDED)
FIRST_YEAR = 2025  # the work plan (东政办发〔2025〕1号) starts the platform


def search_text(q: str | None) -> str:
    """A search term as typed, without NUL and surrounding blanks."""
    return (q or "").replace("\x00", "").strip()[:100]


# --- handbooks: public -----------------------------------------------------------------------------


def handbooks_public() -> QuerySet[HandbookVersion]:
    """The version in force of every published handbook, by industry code."""
    return (HandbookVersion.objects.filter(status=HandbookStatus.PUBLISHED)
            .select_related("handbook", "handbook__industry").order_by("handbook__industry_id"))


def handbook_public_get(*, slug: str | None = None, handbook_id=None) -> Handbook:
    """A handbook (by slug or id) with a published version; NotFound otherwise (a handbook still in its first
    draft is missing).
    """
    key = {"slug": str(slug)[:64]} if slug is not None else {"pk": id_or_none(handbook_id)}
    handbook = (Handbook.objects.select_related("industry")
                .filter(versions__status__in=PUBLIC_STATUSES, **key).distinct().first())
    if handbook is None:
        raise NotFound("一业一册不存在或尚未发布")
    return handbook


def handbook_versions_public(handbook: Handbook) -> QuerySet[HandbookVersion]:
    """The published history of a handbook, newest first (drafts never)."""
    return handbook.versions.filter(status__in=PUBLIC_STATUSES).order_by("-number")


def handbook_version_public_get(*, handbook: Handbook, number=None) -> HandbookVersion:
    """The version in force, or a given published/superseded version number."""
    qs = handbook_versions_public(handbook)
    version = qs.filter(number=id_or_none(number)).first() if number not in (None, "") else qs.first()
    if version is None:
        raise NotFound("一业一册版本不存在")
    return version


def version_public_document(version: HandbookVersion) -> dict:
    """What a published version said, from its frozen snapshot (never from the live catalog)."""
    return json.loads(version.snapshot)


# --- handbooks: workspace --------------------------------------------------------------------------


def handbooks_for_actor(*, actor) -> QuerySet[Handbook]:
    """Every handbook for its editors (bureau, agency admins); none for anyone else."""
    if not actor_has_role(actor, *EDITOR_ROLES):
        return Handbook.objects.none()
    return Handbook.objects.select_related("industry").annotate(
        published=Count("versions", filter=Q(versions__status__in=PUBLIC_STATUSES)),
        drafts=Count("versions", filter=Q(versions__status=HandbookStatus.DRAFT)),
    ).order_by("industry_id")


def handbook_get_for_actor(*, actor, handbook_id) -> Handbook:
    """One handbook an editor may work on; NotFound otherwise."""
    handbook = handbooks_for_actor(actor=actor).filter(pk=id_or_none(handbook_id)).first()
    if handbook is None:
        raise NotFound("一业一册不存在")
    return handbook


def handbook_version_get_for_actor(*, actor, version_id) -> HandbookVersion:
    """One version (drafts included) an editor may read; NotFound otherwise."""
    if not actor_has_role(actor, *EDITOR_ROLES):
        raise NotFound("一业一册版本不存在")
    version = (HandbookVersion.objects.select_related("handbook", "handbook__industry")
               .filter(pk=id_or_none(version_id)).first())
    if version is None:
        raise NotFound("一业一册版本不存在")
    return version


def handbook_item_choices() -> QuerySet[InspectionItem]:
    """Published items of listed agencies: what a handbook may link (清单之外无检查)."""
    return (InspectionItem.objects.filter(status=ItemStatus.PUBLISHED, agency__listed=True)
            .select_related("agency").order_by("agency__code", "code"))


def handbook_no_penalty_choices() -> QuerySet[NoPenaltyEntry]:
    """Published no-penalty entries of listed agencies."""
    return (NoPenaltyEntry.objects.filter(status=ItemStatus.PUBLISHED, agency__listed=True)
            .select_related("agency").order_by("agency__code", "kind", "id"))


# --- inspection outcomes (一公开) -------------------------------------------------------------------


def outcomes_public(*, q: str | None = None, agency_id=None, year=None) -> QuerySet[Visit]:
    """Closed inspections with a closed record, of listed agencies, newest first; searchable by agency name
    and by the name of enterprises that are not individual businesses.
    """
    qs = Visit.objects.filter(kind=VisitKind.INSPECTION, status=VisitStatus.CLOSED, record__status=RecordStatus.CLOSED,
                              agency__listed=True)
    q = search_text(q)
    if q:
        named = Q(enterprise__name__icontains=q) & ~masked_q("enterprise__")
        qs = qs.filter(Q(agency__name__icontains=q) | named)
    if (pk := id_or_none(agency_id)) is not None:
        qs = qs.filter(agency_id=pk)
    if (y := id_or_none(year)) is not None:
        qs = qs.filter(year=y)
    return (qs.select_related("agency", "enterprise")
            .only("id", "year", "closed_at", "agency__id", "agency__name", "enterprise__id", "enterprise__name",
                  "enterprise__entity_type", "enterprise__uscc")
            .order_by("-closed_at", "-id"))


def outcome_agencies() -> QuerySet[Agency]:
    """The listed agencies (the outcome filter's choices)."""
    return Agency.objects.filter(listed=True).only("id", "name", "code").order_by("code")


def outcome_years() -> list[int]:
    """The filter's years, newest first: from this year back to the platform's first (no query, so the page
    never scans the visits table for its distinct years).
    """
    return list(range(clock.local_year(), FIRST_YEAR - 1, -1))


def enterprise_public_label(name: str, entity_type: str, uscc: str = "") -> str:
    """An enterprise's name, or the mask of an individual business (its name is a person's name)."""
    return public_name(name, entity_type, uscc)


def _problems(findings: list[dict]) -> list[dict]:
    """The findings that are problems: a finding disposed of only as 未发现问题(告知) is not one (issue 19)."""
    return [f for f in findings
            if not f["dispositions"] or any(d["kind"] != DispositionKind.NOTICE for d in f["dispositions"])]


def _kinds(findings: list[dict], dispositions: list[dict]) -> list[str]:
    """The public result kinds of one visit, from its findings' and dispositions' states."""
    findings = _problems(findings)
    if not findings:
        return [OutcomeKind.NO_FINDINGS]
    kinds = set()
    by_kind = {DispositionKind.CASE: OutcomeKind.CASE, DispositionKind.REFER: OutcomeKind.REFERRED,
               DispositionKind.NO_PENALTY: OutcomeKind.NO_PENALTY}
    corrections = []
    for d in dispositions:
        if d["kind"] in by_kind:
            kinds.add(by_kind[d["kind"]])
        elif d["kind"] in (DispositionKind.CORRECT_NOW, DispositionKind.CORRECT_BY_DEADLINE):
            corrections.append(d["status"] == DispositionStatus.CLOSED)
    if corrections:
        kinds.add(OutcomeKind.CORRECTED if all(corrections) else OutcomeKind.CORRECTING)
    elif not kinds:
        closed = all(f["status"] == FindingStatus.CLOSED for f in findings)
        kinds.add(OutcomeKind.CORRECTED if closed else OutcomeKind.CORRECTING)
    order = list(OutcomeKind.values)
    return sorted(kinds, key=order.index)


def outcome_rows(visits, *, detail: bool = False) -> list[dict]:
    """The public facts of these visits (plain dicts: templates never see a model with personal data).

    Three queries whatever the number of visits: the items checked, the findings, the dispositions.
    """
    visits = list(visits)
    ids = [v.pk for v in visits]
    items: dict[int, list[dict]] = {pk: [] for pk in ids}
    for row in (RecordEntry.objects.filter(record__visit_id__in=ids)
                .values("record__visit_id", "item_id", "item__code", "item__name", "item__legal_basis")
                .distinct().order_by("record__visit_id", "item__code")):
        items[row["record__visit_id"]].append({"id": row["item_id"], "code": row["item__code"],
                                               "name": row["item__name"], "legal_basis": row["item__legal_basis"]})
    findings: dict[int, list[dict]] = {pk: [] for pk in ids}
    finding_visit = {}
    for row in Finding.objects.filter(record__visit_id__in=ids).values("id", "record__visit_id", "status").order_by("id"):
        row["dispositions"], row["items"] = [], []
        findings[row["record__visit_id"]].append(row)
        finding_visit[row["id"]] = row
    dispositions: dict[int, list[dict]] = {pk: [] for pk in ids}
    for row in (Disposition.objects.filter(finding__record__visit_id__in=ids)
                .values("finding_id", "finding__record__visit_id", "kind", "status", "deadline",
                        "no_penalty_entry__title", "no_penalty_entry__kind").order_by("id")):
        dispositions[row["finding__record__visit_id"]].append(row)
        finding_visit[row["finding_id"]]["dispositions"].append(row)
    if detail:
        for row in (Finding.entries.through.objects.filter(finding_id__in=list(finding_visit))
                    .values("finding_id", "recordentry__item__code", "recordentry__item__name").distinct()):
            finding_visit[row["finding_id"]]["items"].append(
                f"{row['recordentry__item__code']} {row['recordentry__item__name']}")
    kind_labels, status_labels = dict(DispositionKind.choices), dict(FindingStatus.choices)
    disposition_status = dict(DispositionStatus.choices)
    outcome_labels = dict(OutcomeKind.choices)
    rows = []
    for visit in visits:
        kinds = _kinds(findings[visit.pk], dispositions[visit.pk])
        row = {
            "id": visit.pk, "year": visit.year, "date": visit.closed_at.astimezone(clock.LOCAL_TZ).date(),
            "agency": visit.agency.name, "agency_id": visit.agency_id,
            "enterprise": enterprise_public_label(visit.enterprise.name, visit.enterprise.entity_type,
                                                  visit.enterprise.uscc),
            "masked": is_masked(visit.enterprise.entity_type, visit.enterprise.uscc),
            "items": items[visit.pk], "findings_count": len(_problems(findings[visit.pk])),
            "kinds": [(k, str(outcome_labels[k])) for k in kinds],
        }
        if detail:
            row["findings"] = [{
                "status": str(status_labels.get(f["status"], f["status"])), "items": f["items"],
                "dispositions": [{"kind": str(kind_labels.get(d["kind"], d["kind"])),
                                  "status": str(disposition_status.get(d["status"], d["status"])),
                                  "deadline": d["deadline"], "ground": d["no_penalty_entry__title"] or ""}
                                 for d in f["dispositions"]],
            } for f in findings[visit.pk]]
        rows.append(row)
    return rows


def outcome_public_get(*, visit_id) -> dict:
    """The public facts of one closed inspection; NotFound when it is not public."""
    visit = outcomes_public().filter(pk=id_or_none(visit_id)).first()
    if visit is None:
        raise NotFound("检查结果不存在或未公开")
    return outcome_rows([visit], detail=True)[0]


# --- the portal hub --------------------------------------------------------------------------------


def portal_figures() -> dict:
    """What the hub shows in numbers: the audit-chain head (so outsiders can detect rewriting) and two small
    counts. No count over visits: the hub is the busiest public page and must not scan them.
    """
    checkpoint = checkpoint_latest()
    return {
        "chain": {"length": checkpoint.length, "head": checkpoint.head_hash, "at": checkpoint.created_at}
        if checkpoint else None,
        "agencies": Agency.objects.filter(listed=True).count(),
        "handbooks": HandbookVersion.objects.filter(status=HandbookStatus.PUBLISHED).count(),
    }
