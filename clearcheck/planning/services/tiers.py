"""Risk tiers (分级分类): each agency's scheme, the platform credit rating, and grading an enterprise by
hand (with a reason) or by a scoring function that explains every point. History is kept.
"""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role, actor_is_county
from clearcheck.audit.services import actor_label, audit_record
from clearcheck.core import clock
from clearcheck.core.canonical import canonical_text
from clearcheck.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from clearcheck.registry.models import Agency, Enterprise

from ..choices import CreditRating, TierMethod
from ..models import EnterpriseCredit, EnterpriseTier, Tier
from ..settings import planning_settings_for

MANAGER_ROLES = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD)

# code, name, rank, annual cap (0: no proactive on-site inspection, R21), sampling ratio of draws.
DEFAULT_TIERS = (
    ("A", "低风险", 1, 0, Decimal("0.0200")),
    ("B", "一般风险", 2, 1, Decimal("0.0500")),
    ("C", "较高风险", 3, 2, Decimal("0.1000")),
    ("D", "高风险", 4, 4, Decimal("0.2000")),
)

# Industry risk by GB/T 4754-2017 division (大类): a small table the scoring reads.
INDUSTRY_RISK = {
    **dict.fromkeys(("06", "07", "08", "09", "10", "25", "26", "27"), "high"),  # 采矿、石化、化工、医药
    **dict.fromkeys(("13", "14", "15", "44", "45", "59", "62", "84"), "medium"),  # 食品、能源、仓储、餐饮、卫生
}
INDUSTRY_POINTS = {"high": 20, "medium": 10, "low": 0}
INDUSTRY_LABELS = {"high": "高风险行业", "medium": "中风险行业", "low": "一般行业"}
CREDIT_POINTS = {CreditRating.A: 0, CreditRating.B: 10, CreditRating.C: 25, CreditRating.D: 40}
CREDIT_UNRATED_POINTS = 10
VIOLATION_POINTS, VIOLATION_MAX = 10, 30
COMPLAINT_POINTS, COMPLAINT_MAX = 5, 20
SCORE_MAX = 100



def agency_manager_check(actor, agency_id: int) -> None:
    """Only the admin or head of ``agency_id`` manages its planning; another agency's is NotFound."""
    if actor_agency_id(actor) != agency_id:
        if actor_is_county(actor):
            raise PermissionDenied("只有本机关管理员或负责人可以办理")
        raise NotFound("检查主体不存在")
    if not actor_has_role(actor, *MANAGER_ROLES):
        raise PermissionDenied("只有本机关管理员或负责人可以办理")


def _agency(agency) -> Agency:
    found = agency if isinstance(agency, Agency) else Agency.objects.filter(pk=agency).first()
    if found is None:
        raise NotFound("检查主体不存在")
    return found


def _enterprise(enterprise) -> Enterprise:
    found = enterprise if isinstance(enterprise, Enterprise) else Enterprise.objects.filter(pk=enterprise).first()
    if found is None:
        raise NotFound("企业不存在")
    return found


def tier_snapshot(tier: Tier) -> dict:
    """What the audit trail keeps of a tier."""
    return {"code": tier.code, "name": tier.name, "rank": tier.rank, "annual_cap": tier.annual_cap,
            "sampling_ratio": tier.sampling_ratio}


# --- The scheme ------------------------------------------------------------------------------------


def tier_scheme_ensure(agency) -> list[Tier]:
    """The agency's tiers by rank; the default A–D scheme is created (and audited) on first use."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    tiers = list(Tier.objects.filter(agency_id=agency_id).order_by("rank"))
    if tiers:
        return tiers
    try:
        with transaction.atomic():
            created = Tier.objects.bulk_create([
                Tier(agency_id=agency_id, code=code, name=name, rank=rank, annual_cap=cap, sampling_ratio=ratio)
                for code, name, rank, cap, ratio in DEFAULT_TIERS
            ])
            audit_record(actor=None, action="tier_scheme.default", subject=("registry.agency", agency_id),
                         after={"tiers": [tier_snapshot(t) for t in created]})
    except IntegrityError:
        pass  # another request created the scheme at the same moment
    return list(Tier.objects.filter(agency_id=agency_id).order_by("rank"))


def _scheme_rows_clean(tiers: list[dict]) -> list[dict]:
    errors: list[FieldError] = []
    rows: list[dict] = []
    if not isinstance(tiers, list) or not 2 <= len(tiers) <= 8:
        raise ValidationFailed(FieldError("tiers", "风险等级须为 2 至 8 级"))
    for i, raw in enumerate(tiers):
        code = str(raw.get("code") or "").strip().upper()
        name = str(raw.get("name") or "").strip()
        if not code or len(code) > 8:
            errors.append(FieldError(f"tiers[{i}].code", "等级代码须为 1 至 8 个字符"))
        if not name or len(name) > 64:
            errors.append(FieldError(f"tiers[{i}].name", "请填写等级名称(不超过 64 字)"))
        try:
            cap = int(raw.get("annual_cap"))
            if cap < 0 or cap > 366:
                raise ValueError
        except (TypeError, ValueError):
            cap = None
            errors.append(FieldError(f"tiers[{i}].annual_cap", "年度上限须为 0 至 366 的整数"))
        try:
            ratio = Decimal(str(raw.get("sampling_ratio"))).quantize(Decimal("0.0001"))
            if not Decimal(0) <= ratio <= Decimal(1):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            ratio = None
            errors.append(FieldError(f"tiers[{i}].sampling_ratio", "抽查比例须为 0 至 1 之间的小数"))
        rows.append({"code": code, "name": name, "rank": i + 1, "annual_cap": cap, "sampling_ratio": ratio})
    codes = [r["code"] for r in rows]
    if len(set(codes)) != len(codes):
        errors.append(FieldError("tiers", "等级代码不能重复"))
    if not errors:
        if rows[0]["annual_cap"] != 0:
            errors.append(FieldError("tiers[0].annual_cap", "最低风险等级原则上不主动开展现场检查,年度上限须为 0(R21)"))
        caps = [r["annual_cap"] for r in rows]
        if caps != sorted(caps):
            errors.append(FieldError("tiers", "风险越高,年度上限不应越低(按风险从低到高排列)"))
    if errors:
        raise ValidationFailed(errors)
    return rows


@transaction.atomic
def tier_scheme_update(*, actor, agency, tiers: list[dict]) -> list[Tier]:
    """Replace the agency's scheme (listed from the lowest risk up; admin or head of that agency)."""
    agency = _agency(agency)
    agency_manager_check(actor, agency.pk)
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    before = [tier_snapshot(t) for t in tier_scheme_ensure(agency)]
    rows = _scheme_rows_clean(tiers)
    existing = {t.code: t for t in Tier.objects.filter(agency=agency)}
    wanted = {r["code"] for r in rows}
    removed = [t for code, t in existing.items() if code not in wanted]
    if removed and EnterpriseTier.objects.filter(tier__in=removed).exists():
        raise ValidationFailed(FieldError("tiers", "已有企业评定为"
                                          + "、".join(t.code for t in removed) + " 级,不能删除该等级"))
    ungraded = planning_settings_for(agency.pk).ungraded_tier_code
    if ungraded not in wanted:
        raise ValidationFailed(FieldError("tiers", f"未评级企业适用 {ungraded} 级,方案中须保留该等级"))
    Tier.objects.filter(pk__in=[t.pk for t in removed]).delete()
    # Ranks are unique per agency: move the kept tiers out of the way before renumbering.
    Tier.objects.filter(agency=agency).update(rank=F("rank") + 1000)
    for row in rows:
        tier = existing.get(row["code"]) or Tier(agency=agency, code=row["code"])
        for field in ("name", "rank", "annual_cap", "sampling_ratio"):
            setattr(tier, field, row[field])
        tier.save()
    result = list(Tier.objects.filter(agency=agency).order_by("rank"))
    audit_record(actor=actor, action="tier_scheme.update", subject=agency, before={"tiers": before},
                 after={"tiers": [tier_snapshot(t) for t in result]})
    return result


# --- Credit rating ---------------------------------------------------------------------------------


@transaction.atomic
def credit_rating_set(*, actor, enterprise, rating: str, source: str) -> EnterpriseCredit:
    """Record the platform-wide credit-risk rating of an enterprise (judicial bureau)."""
    if not actor_has_role(actor, Role.BUREAU):
        raise PermissionDenied("只有司法局可以维护企业信用等级")
    enterprise = _enterprise(enterprise)
    errors = []
    if rating not in CreditRating.values:
        errors.append(FieldError("rating", "信用等级须为 A、B、C 或 D"))
    source = (source or "").strip()
    if not source or len(source) > 128:
        errors.append(FieldError("source", "请填写评定来源(不超过 128 字)"))
    if errors:
        raise ValidationFailed(errors)
    current = EnterpriseCredit.objects.select_for_update().filter(enterprise=enterprise).first()
    before = {"rating": current.rating, "source": current.source} if current else None
    credit, _ = EnterpriseCredit.objects.update_or_create(
        enterprise=enterprise, defaults={"rating": rating, "source": source, "rated_at": clock.now()}
    )
    audit_record(actor=actor, action="enterprise_credit.set", subject=credit, before=before,
                 after={"enterprise": enterprise.pk, "rating": rating, "source": source})
    return credit


# --- Grading an enterprise -------------------------------------------------------------------------


def industry_risk(industry_code: str | None) -> str:
    """High / medium / low by the GB/T 4754 division (first two digits) of an industry code."""
    division = (industry_code or "")[:2]
    return INDUSTRY_RISK.get(division, "low")


def tier_score_explain(*, credit_rating: str | None, violations: int, complaints: int,
                       industry_code: str | None, tier_codes: list[str]) -> dict:
    """Score an enterprise and say why: each factor with its input and points, the total, the tier.

    Points: credit A 0 / B 10 / C 25 / D 40 (unrated 10); 10 per past violation (at most 30);
    5 per complaint (at most 20); industry high 20 / medium 10 / other 0. The 0–100 score is cut into
    as many equal bands as the scheme has tiers (lowest risk first).
    """
    risk = industry_risk(industry_code)
    factors = [
        {"factor": "credit", "label": "信用等级", "input": credit_rating or "未评定",
         "points": CREDIT_POINTS.get(credit_rating, CREDIT_UNRATED_POINTS)},
        {"factor": "violations", "label": "既往违法次数", "input": violations,
         "points": min(VIOLATION_MAX, VIOLATION_POINTS * violations)},
        {"factor": "complaints", "label": "投诉举报次数", "input": complaints,
         "points": min(COMPLAINT_MAX, COMPLAINT_POINTS * complaints)},
        {"factor": "industry", "label": "行业风险", "input": f"{industry_code or '—'} {INDUSTRY_LABELS[risk]}",
         "points": INDUSTRY_POINTS[risk]},
    ]
    score = min(SCORE_MAX, sum(f["points"] for f in factors))
    band = min(len(tier_codes) - 1, score * len(tier_codes) // SCORE_MAX) if tier_codes else 0
    return {"factors": factors, "score": score, "tier": tier_codes[band] if tier_codes else None,
            "bands": len(tier_codes)}


def _tier_row_write(*, actor, agency: Agency, enterprise: Enterprise, tier: Tier, method: str,
                    score: int | None, explanation: str, reason: str) -> EnterpriseTier:
    previous = (EnterpriseTier.objects.select_for_update().select_related("tier")
                .filter(agency=agency, enterprise=enterprise, is_current=True).first())
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    try:
        with transaction.atomic():
            row = EnterpriseTier.objects.create(
                agency=agency, enterprise=enterprise, tier=tier, method=method, score=score,
                explanation=explanation, reason=reason, assigned_by=actor_label(actor), assigned_at=clock.now(),
                is_current=True,
            )
    except IntegrityError as exc:
        raise Conflict("该企业的风险等级正在被他人修改,请刷新后重试") from exc
    audit_record(
        actor=actor, action=f"enterprise_tier.{method}", subject=row,
        before={"tier": previous.tier.code} if previous else None,
        after={"agency": agency.pk, "enterprise": enterprise.pk, "tier": tier.code, "method": method,
               "score": score, "reason": reason},
    )
    return row


@transaction.atomic
def enterprise_tier_assign(*, actor, agency, enterprise, tier_code: str, reason: str) -> EnterpriseTier:
    """Grade an enterprise in the agency's field by hand, with a reason (admin or head of the agency)."""
    agency, enterprise = _agency(agency), _enterprise(enterprise)
    agency_manager_check(actor, agency.pk)
    tiers = {t.code: t for t in tier_scheme_ensure(agency)}
    errors = []
    if (tier_code or "").strip().upper() not in tiers:
        errors.append(FieldError("tier_code", "等级须为本机关分级方案中的等级:" + "、".join(tiers)))
    reason = (reason or "").strip()
    if not reason:
        errors.append(FieldError("reason", "人工评定须填写理由"))
    if errors:
        raise ValidationFailed(errors)
    return _tier_row_write(actor=actor, agency=agency, enterprise=enterprise, tier=tiers[tier_code.strip().upper()],
                           method=TierMethod.MANUAL, score=None, explanation="", reason=reason)


@transaction.atomic
def enterprise_tier_score(*, actor, agency, enterprise, violations: int, complaints: int,
                          reason: str = "") -> EnterpriseTier:
    """Grade an enterprise by the scoring function; ``explanation`` keeps each factor's points."""
    agency, enterprise = _agency(agency), _enterprise(enterprise)
    agency_manager_check(actor, agency.pk)
    errors = []
    for name, value in (("violations", violations), ("complaints", complaints)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1000:
            errors.append(FieldError(name, "须为 0 至 1000 的整数"))
    if errors:
        raise ValidationFailed(errors)
    tiers = tier_scheme_ensure(agency)
    credit = EnterpriseCredit.objects.filter(enterprise=enterprise).values_list("rating", flat=True).first()
    result = tier_score_explain(credit_rating=credit, violations=violations, complaints=complaints,
                                industry_code=enterprise.industry_id, tier_codes=[t.code for t in tiers])
    tier = next(t for t in tiers if t.code == result["tier"])
    return _tier_row_write(actor=actor, agency=agency, enterprise=enterprise, tier=tier, method=TierMethod.SCORED,
                           score=result["score"], explanation=canonical_text(result), reason=(reason or "").strip())
