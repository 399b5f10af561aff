"""Double-random draws (双随机、一公开, R24): create, commit, select, reveal, cancel.

commit  freezes the pool as the canonical frame (stored content-addressed: its address is the frame
        hash), freezes the parameters, draws a 256-bit secret from ``secrets`` and publishes SHA-256 of
        it. The secret is shown once to the agency, which keeps it; the platform stores only the hash.
select  takes the secret (checked against the commitment) and the public value, once, and runs
        ``algorithm.draw_compute`` on the stored frame; an individual business is in the frame under its
        pseudonym, which the private map (stored beside the frame, never published) turns back into its USCC.
reveal  after the inspection window, takes the secret again and publishes it with the frame and the
        selection; it re-computes the draw first, so a changed frame or selection is caught.

Every refusal carries R24 and its clause; nothing is written when one is raised.
"""

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q

from clearcheck.alerts.choices import Severity
from clearcheck.alerts.services import alert_raise
from clearcheck.audit.services import actor_label, audit_record
from clearcheck.catalog.models import InspectionItem
from clearcheck.catalog.rules import item_list_refusal
from clearcheck.core import blobs, clock
from clearcheck.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from clearcheck.core.inputs import MAX_ID
from clearcheck.planning.selectors.tiers import tier_scheme
from clearcheck.registry.rules import agency_inspection_refusal

from .. import algorithm
from ..choices import ALL_STRATUM, DrawStatus, PublicKind, SampleMode, Stratify
from ..models import Draw, Pool
from ..pseudonyms import map_parse, parameters_entry
from ..rules import draw_error_refusal, draw_precheck_refusal, draw_refusal
from ..selectors import SPECIAL_SECTOR_DIVISIONS
from ..workflows import DRAW
from .frames import frame_build
from .picks import outcome_store, picks_match_entries
from .pools import manager_check, nul_refuse

MAX_TEAM_SIZE = 10


def draw_snapshot(draw: Draw) -> dict:
    """What the audit trail keeps of a draw (never the secret before reveal)."""
    return {
        "title": draw.title, "agency": draw.agency_id, "pools": sorted(draw.pools.values_list("pk", flat=True)),
        "items": sorted(draw.items.values_list("pk", flat=True)), "window": [draw.window_start, draw.window_end],
        "stratify": draw.stratify, "sample_mode": draw.sample_mode, "sample": draw.sample,
        "team_size": draw.team_size, "max_per_team": draw.max_per_team, "public_kind": draw.public_kind,
        "public_source": draw.public_source, "status": draw.status,
    }


def _draw_locked(actor, draw_id: int) -> Draw:
    draw = Draw.objects.select_for_update().select_related("agency").filter(pk=draw_id).first()
    if draw is None:
        raise NotFound("抽取不存在")
    manager_check(actor, draw.agency_id, "双随机抽取")
    return draw


# --- Create ----------------------------------------------------------------------------------------


def _sample_clean(agency_id: int, stratify: str, mode: str, sample) -> dict:
    """Counts (non-negative integers) or ratios (decimal strings in [0, 1]) per stratum."""
    strata = [ALL_STRATUM] if stratify == Stratify.NONE else [t.code for t in tier_scheme(agency_id)]
    if mode == SampleMode.RATIO and not sample and stratify == Stratify.TIER:
        # The tier scheme's own ratios (分级分类 → 抽查比例), as the agency published them.
        return {t.code: format(t.sampling_ratio.normalize(), "f") for t in tier_scheme(agency_id)}
    if not isinstance(sample, dict) or not sample:
        raise ValidationFailed(FieldError("sample", "请填写各层的抽取数量或比例"))
    unknown = sorted(set(sample) - set(strata))
    if unknown:
        raise ValidationFailed(FieldError("sample", f"没有这些层:{'、'.join(unknown)}(可用:{'、'.join(strata)})"))
    clean: dict = {}
    for stratum, raw in sample.items():
        text = str(raw).strip()
        if mode == SampleMode.COUNT:
            if not (text.isascii() and text.isdigit()):
                raise ValidationFailed(FieldError(f"sample.{stratum}", "抽取数量须为非负整数"))
            clean[stratum] = int(text)
        else:
            try:
                value = Decimal(text)
            except InvalidOperation:
                value = Decimal(-1)
            if not value.is_finite() or not (0 <= value <= 1) or value.as_tuple().exponent < -6:
                raise ValidationFailed(FieldError(f"sample.{stratum}", "抽查比例须为 0 至 1 之间的小数(至多 6 位)"))
            clean[stratum] = format(value.normalize(), "f")
    if not any(Decimal(str(v)) > 0 for v in clean.values()):
        raise ValidationFailed(FieldError("sample", "抽取数量或比例不能全为 0"))
    return clean


def _pools_clean(actor_agency_id: int, pool_ids) -> list[Pool]:
    ids = [i for i in (int(p) for p in pool_ids or [] if str(p).strip().isascii() and str(p).strip().isdigit())
           if 0 < i <= MAX_ID]
    pools = {p.pk: p for p in Pool.objects.select_related("agency").filter(pk__in=ids, active=True)}
    if not ids or len(pools) != len(set(ids)):
        raise ValidationFailed(FieldError("pools", "请选择启用中的抽查对象库"))
    ordered = [pools[i] for i in dict.fromkeys(ids)]
    ordered.sort(key=lambda p: p.agency_id != actor_agency_id)  # the lead agency's pool first
    if ordered[0].agency_id != actor_agency_id:
        raise ValidationFailed(FieldError("pools", "须包括本机关的抽查对象库"))
    agencies = [p.agency_id for p in ordered]
    if len(set(agencies)) != len(agencies):
        raise ValidationFailed(FieldError("pools", "每个参与机关只能选择一个对象库"))
    return ordered


def _items_clean(pools: list[Pool], item_ids) -> list[InspectionItem]:
    ids = {i for i in (int(v) for v in item_ids or [] if str(v).strip().isascii() and str(v).strip().isdigit())
           if 0 < i <= MAX_ID}
    items = list(InspectionItem.objects.filter(pk__in=ids))
    if not ids or len(items) != len(ids):
        raise ValidationFailed(FieldError("items", "请选择检查事项"))
    for pool in pools:
        own = [i for i in items if i.agency_id == pool.agency_id]
        if not own:
            raise ValidationFailed(FieldError("items", f"{pool.agency.name}须至少选择一项本机关的检查事项"))
        refusal = agency_inspection_refusal(pool.agency) or item_list_refusal(pool.agency, own)
        if refusal is not None:
            raise refusal
    strangers = [i for i in items if i.agency_id not in {p.agency_id for p in pools}]
    if strangers:
        raise ValidationFailed(FieldError("items", f"“{strangers[0].name}”不属于参与抽查的机关"))
    return items


def _dates_clean(window_start, window_end) -> tuple[dt.date, dt.date]:
    errors, values = [], []
    for name, value in (("window_start", window_start), ("window_end", window_end)):
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                value = None
        if not isinstance(value, dt.date):
            errors.append(FieldError(name, "请填写日期(YYYY-MM-DD)"))
        values.append(value)
    if not errors and values[1] < values[0]:
        errors.append(FieldError("window_end", "检查结束日期不能早于开始日期"))
    if errors:
        raise ValidationFailed(errors)
    return values[0], values[1]


def _int_clean(value, field: str, label: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise ValidationFailed(FieldError(field, f"{label}须为 {low} 至 {high} 的整数"))
    return number


def _public_source_free_check(public_source: str, exclude_id: int | None = None) -> None:
    """R24: a public value serves one draw: any draw not cancelled, or ever committed, holds it."""
    taken = (Draw.objects.filter(public_source=public_source).exclude(pk=exclude_id)
             .filter(Q(committed_at__isnull=False) | ~Q(status=DrawStatus.CANCELLED)))
    if taken.exists():
        raise draw_refusal(f"公开随机数“{public_source}”已被另一次抽取使用;每期号码只能用于一次抽取,作废的抽取也不例外",
                      "public_source")


@transaction.atomic
def draw_create(*, actor, title: str, pool_ids, item_ids, window_start, window_end, public_source: str,
                stratify: str = Stratify.TIER, sample_mode: str = SampleMode.RATIO, sample: dict | None = None,
                team_size=2, max_per_team=10, public_kind: str = PublicKind.KENO) -> Draw:
    """Draft a draw of the actor's agency (joint when pools of other agencies are included)."""
    from clearcheck.accounts.selectors import actor_agency_id

    nul_refuse(title=title, public_source=public_source, stratify=stratify, sample_mode=sample_mode, sample=sample,
               public_kind=public_kind)
    agency_id = actor_agency_id(actor)
    if agency_id is None:
        raise NotFound("双随机抽取不存在")
    manager_check(actor, agency_id, "双随机抽取")
    errors = []
    title = (title or "").strip()
    if not title or len(title) > 200:
        errors.append(FieldError("title", "请填写抽查名称(不超过 200 个字符)"))
    public_source = " ".join((public_source or "").split())
    if not public_source or len(public_source) > 200:
        errors.append(FieldError("public_source", "请写明将使用哪一期公开开奖号码(如:中国福利彩票快乐8 第2026318期)"))
    if stratify not in Stratify.values:
        errors.append(FieldError("stratify", "分层方式须为不分层或按风险等级分层"))
    if sample_mode not in SampleMode.values:
        errors.append(FieldError("sample_mode", "抽取方式须为按数量或按比例"))
    if public_kind not in PublicKind.values:
        errors.append(FieldError("public_kind", "公开随机数类型不正确"))
    if errors:
        raise ValidationFailed(errors)
    pools = _pools_clean(agency_id, pool_ids)
    items = _items_clean(pools, item_ids)
    start, end = _dates_clean(window_start, window_end)
    if start < clock.local_today():
        raise ValidationFailed(FieldError("window_start", "检查开始日期不能早于今天"))
    team = _int_clean(team_size, "team_size", "每组人数", 2, MAX_TEAM_SIZE)
    per_team = _int_clean(max_per_team, "max_per_team", "每组最多分配企业数", 1, 100000)
    _public_source_free_check(public_source)
    draw = Draw.objects.create(
        agency_id=agency_id, title=title, year=start.year, window_start=start, window_end=end, stratify=stratify,
        sample_mode=sample_mode, sample=_sample_clean(agency_id, stratify, sample_mode, sample), team_size=team,
        max_per_team=per_team, public_kind=public_kind, public_source=public_source,
        created_by=actor_label(actor), created_at=clock.now(),
    )
    draw.pools.set(pools)
    draw.items.set(items)
    audit_record(actor=actor, action="draw.create", subject=draw, after=draw_snapshot(draw))
    return draw


# --- Commit ----------------------------------------------------------------------------------------


def draw_parameters(draw: Draw, pools: list[Pool], items: list[InspectionItem], *, pseudonym_key: str = "") -> dict:
    """The algorithm's parameters: everything that decides the outcome besides frame, secret and value.

    ``pseudonym_key``: the fingerprint of the draw's pseudonym key, when its frame holds pseudonyms (ADR 0017).
    """
    codes = {p.agency_id: p.agency.code for p in pools}
    sample_key = "counts" if draw.sample_mode == SampleMode.COUNT else "ratios"
    parameters = {
        "algorithm": algorithm.ALGORITHM, "draw": draw.pk, "title": draw.title, "lead": codes[draw.agency_id],
        "agencies": sorted(codes.values()),
        "items": {codes[p.agency_id]: sorted(i.code for i in items if i.agency_id == p.agency_id) for p in pools},
        "filters": {codes[p.agency_id]: p.filters for p in pools},
        "year": draw.year, "window": [draw.window_start.isoformat(), draw.window_end.isoformat()],
        "stratify": draw.stratify, "sample": {"mode": draw.sample_mode, sample_key: draw.sample},
        "team_size": draw.team_size, "max_per_team": draw.max_per_team,
        "exclusions": ["cap", "recused", "rotation"],
        "public_value": {"kind": draw.public_kind, "source": draw.public_source},
    }
    if any((p.filters or {}).get("exclude_special_sectors") for p in pools):
        parameters["special_sector_divisions"] = list(SPECIAL_SECTOR_DIVISIONS)
    if pseudonym_key:
        parameters["pseudonyms"] = parameters_entry(pseudonym_key)
    return parameters


@transaction.atomic
def draw_commit(*, actor, draw_id: int) -> tuple[Draw, str]:
    """Freeze the pool and publish the frame hash, parameters and commitment; returns the draw and the
    secret (hex), which is shown to the agency once and never stored.
    """
    draw = _draw_locked(actor, draw_id)
    target = DRAW.target(draw.status, "commit", draw.title)
    pools = sorted(draw.pools.select_related("agency"), key=lambda p: p.agency_id != draw.agency_id)
    items = list(draw.items.all())
    _items_clean(pools, [i.pk for i in items])  # R01 R02 again: lists may have changed since the draft
    _public_source_free_check(draw.public_source, exclude_id=draw.pk)
    try:
        built = frame_build(draw, pools, items)
    except algorithm.DrawError as exc:
        raise draw_error_refusal(exc) from None
    parameters = draw_parameters(draw, pools, items, pseudonym_key=built.fingerprint)
    if refusal := draw_precheck_refusal(parameters, built):
        raise refusal
    frame_hash, counts = blobs.blob_put(built.data), built.counts
    draw.pseudonyms_sha256 = blobs.blob_put(built.pseudonym_map) if built.pseudonyms else ""
    draw.frame_pseudonyms = counts["pseudonyms"]
    secret = secrets.token_hex(algorithm.SECRET_BYTES)
    draw.parameters, draw.frame_sha256 = parameters, frame_hash
    draw.parameters_sha256 = algorithm.sha256_hex(algorithm.canonical_json(parameters))
    draw.frame_enterprises, draw.frame_officers = counts["enterprises"], counts["officers"]
    draw.frame_exclusions, draw.excluded_at_cap = counts["exclusions"], counts["at_cap"]
    draw.excluded_unstaffed = counts["unstaffed"]
    draw.commitment = algorithm.commitment_of(secret)
    draw.status, draw.committed_at, draw.committed_by = target, clock.now(), actor_label(actor)
    draw.save()
    audit_record(actor=actor, action="draw.commit", subject=draw, before={"status": DrawStatus.DRAFT}, after={
        "status": target, "frame_sha256": frame_hash, "commitment": draw.commitment, "parameters": parameters,
        "parameters_sha256": draw.parameters_sha256, "pseudonyms_sha256": draw.pseudonyms_sha256, **counts,
    })
    return draw, secret


# --- Select ----------------------------------------------------------------------------------------


@transaction.atomic
def draw_frame_tamper_report(*, actor, draw: Draw, what: str = "frame"):
    """R24: raise a high alert that a draw's stored frame (or parameters) no longer matches the hash
    published at commit (once per draw and kind).
    """
    return alert_raise(rule_id="R24", subject=draw, agency=draw.agency, severity=Severity.HIGH, actor=actor,
                       dedup_key=f"R24:{what}-tampered:{draw.pk}",
                       facts={"draw": draw.pk, "frame_sha256": draw.frame_sha256,
                              "parameters_sha256": draw.parameters_sha256,
                              "problem": f"stored {what} does not match the hash published at commit"})


def frame_checked(*, actor, draw_id: int) -> bytes:
    """The stored frame of a draw, checked against its published hash before any write starts.

    A changed or missing frame raises the R24 alert in its own transaction and then the refusal, so the
    alert stays while the refused action writes nothing.
    """
    draw = Draw.objects.select_related("agency").filter(pk=draw_id).first()
    if draw is None:
        raise NotFound("抽取不存在")
    manager_check(actor, draw.agency_id, "双随机抽取")
    if not draw.frame_sha256:
        raise Conflict("该抽取尚未固化对象库")
    if algorithm.sha256_hex(algorithm.canonical_json(draw.parameters)) != draw.parameters_sha256:
        draw_frame_tamper_report(actor=actor, draw=draw, what="parameters")
        raise draw_refusal("抽取参数与固化时公布的参数哈希不符(已被改动),已告警", "parameters")
    try:
        return blobs.blob_read(draw.frame_sha256)
    except blobs.BlobCorrupted:
        draw_frame_tamper_report(actor=actor, draw=draw)
    raise draw_refusal(f"抽取框架与公布的框架哈希 {draw.frame_sha256[:12]}… 不符(已被改动或丢失),已告警", "frame")


def pseudonyms_checked(*, actor, draw_id: int) -> dict[str, str]:
    """The draw's private pseudonym map (pseudonym → USCC), checked against its address; empty when its frame
    holds no pseudonym. A changed or missing map raises the R24 alert, then the refusal (as ``frame_checked``).
    """
    draw = Draw.objects.select_related("agency").get(pk=draw_id)
    if not draw.pseudonyms_sha256:
        return {}
    try:
        return map_parse(blobs.blob_read(draw.pseudonyms_sha256))
    except (blobs.BlobCorrupted, ValueError):
        draw_frame_tamper_report(actor=actor, draw=draw, what="pseudonyms")
    raise draw_refusal("抽取框架的化名对照表已被改动或丢失,无法确定抽中的个体工商户,已告警", "frame")


def _secret_check(draw: Draw, secret: str) -> str:
    try:
        commitment = algorithm.commitment_of(secret)
    except algorithm.DrawError as exc:
        raise draw_error_refusal(exc) from None
    if commitment != draw.commitment:
        raise draw_refusal("密钥与公布的承诺值不符:SHA-256(密钥) 须等于承诺值", "secret")
    return secret.strip().lower()


def draw_select(*, actor, draw_id: int, secret: str, public_value: str) -> Draw:
    """Enter the public value (once) and the secret, and draw: the enterprises and the teams."""
    nul_refuse(secret=secret, public_value=public_value)
    frame = frame_checked(actor=actor, draw_id=draw_id)
    pseudonyms = pseudonyms_checked(actor=actor, draw_id=draw_id)
    return _draw_select(actor=actor, draw_id=draw_id, secret=secret, public_value=public_value, frame=frame,
                        pseudonyms=pseudonyms)


@transaction.atomic
def _draw_select(*, actor, draw_id: int, secret: str, public_value: str, frame: bytes,
                 pseudonyms: dict[str, str]) -> Draw:
    draw = _draw_locked(actor, draw_id)
    if draw.public_value:
        raise draw_refusal(f"公开随机数已于 {draw.selected_at:%Y-%m-%d %H:%M} 录入,不能再次录入", "public_value")
    target = DRAW.target(draw.status, "select", draw.title)
    secret = _secret_check(draw, secret)
    try:
        value = algorithm.public_value_normalise(draw.public_kind, public_value)
    except algorithm.DrawError as exc:
        raise draw_error_refusal(exc) from None
    try:
        outcome = algorithm.draw_compute(frame=frame, parameters=draw.parameters, secret_hex=secret,
                                         public_value=value)
    except algorithm.DrawError as exc:
        raise draw_error_refusal(exc) from None
    outcome_store(draw, outcome, pseudonyms)
    draw.public_value, draw.seed = value, outcome.seed
    draw.status, draw.selected_at, draw.selected_by = target, clock.now(), actor_label(actor)
    draw.save()
    audit_record(actor=actor, action="draw.select", subject=draw, before={"status": DrawStatus.COMMITTED}, after={
        "status": target, "public_value": value, "picks": len(outcome.picks), "teams": len(outcome.teams),
        "selection_sha256": selection_hash(outcome),
    })
    return draw


def selection_hash(outcome: algorithm.Outcome) -> str:
    """SHA-256 of the selection and teams (audited at select, compared at reveal)."""
    return algorithm.sha256_hex(algorithm.canonical_json({
        "picks": [[p.entry, p.stratum, p.rank, p.team] for p in outcome.picks], "teams": outcome.teams}))


# --- Reveal and cancel -----------------------------------------------------------------------------


def stored_outcome(draw: Draw) -> algorithm.Outcome:
    """The selection and teams as stored (for comparison and publication)."""
    teams = [[m.officer.credential_no for m in team.members.select_related("officer").order_by("position")]
             for team in draw.teams.order_by("number")]
    picks = [algorithm.Pick(stratum, entry, rank, number - 1) for stratum, entry, rank, number in
             draw.picks.order_by("position").values_list("stratum", "entry", "rank", "team__number")]
    return algorithm.Outcome(seed=draw.seed, picks=picks, teams=teams)


def draw_reveal(*, actor, draw_id: int, secret: str) -> Draw:
    """Publish the secret, the frame and the selection once the inspection window has ended."""
    nul_refuse(secret=secret)
    frame = frame_checked(actor=actor, draw_id=draw_id)
    pseudonyms = pseudonyms_checked(actor=actor, draw_id=draw_id)
    return _draw_reveal(actor=actor, draw_id=draw_id, secret=secret, frame=frame, pseudonyms=pseudonyms)


@transaction.atomic
def _draw_reveal(*, actor, draw_id: int, secret: str, frame: bytes, pseudonyms: dict[str, str]) -> Draw:
    draw = _draw_locked(actor, draw_id)
    target = DRAW.target(draw.status, "reveal", draw.title)
    if clock.local_today() <= draw.window_end:
        raise draw_refusal(f"检查时段至 {draw.window_end} 结束;结束前抽取结果只对本机关可见,不能公开", "secret")
    secret = _secret_check(draw, secret)
    recomputed = algorithm.draw_compute(frame=frame, parameters=draw.parameters, secret_hex=secret,
                                        public_value=draw.public_value)
    if recomputed.seed != draw.seed:
        raise draw_refusal("按公布的框架、参数、密钥和公开随机数重算的种子与保存的种子不符,不能公开", "seed")
    if selection_hash(recomputed) != selection_hash(stored_outcome(draw)) or not picks_match_entries(draw, pseudonyms):
        raise draw_refusal("按公布的框架、参数、密钥和公开随机数重算的结果与保存的抽取结果不符,不能公开", "selection")
    draw.secret, draw.status = secret, target
    draw.revealed_at, draw.revealed_by = clock.now(), actor_label(actor)
    draw.save()
    audit_record(actor=actor, action="draw.reveal", subject=draw, before={"status": DrawStatus.SELECTED},
                 after={"status": target, "secret": secret, "seed": draw.seed})
    return draw


@transaction.atomic
def draw_cancel(*, actor, draw_id: int, reason: str) -> Draw:
    """Cancel a draft or committed draw (never one that has selected: its result stands).

    A committed draw's cancellation stays public and raises an R24 alert: the agency holds the secret, so
    after the public value is drawn it could compute the result and, disliking it, cancel and draw again.
    The bureau sees every such re-roll.
    """
    nul_refuse(reason=reason)
    draw = _draw_locked(actor, draw_id)
    target = DRAW.target(draw.status, "cancel", draw.title)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(FieldError("reason", "请填写作废理由"))
    before = draw.status
    draw.status, draw.cancel_reason = target, reason
    draw.save(update_fields=["status", "cancel_reason", "updated_at"])
    audit_record(actor=actor, action="draw.cancel", subject=draw, before={"status": before},
                 after={"status": target, "reason": reason})
    if before == DrawStatus.COMMITTED:
        alert_raise(rule_id="R24", subject=draw, agency=draw.agency, actor=actor,
                    dedup_key=f"R24:cancelled-after-commit:{draw.pk}",
                    facts={"draw": draw.pk, "title": draw.title, "commitment": draw.commitment,
                           "public_source": draw.public_source, "reason": reason,
                           "problem": "a committed draw was cancelled (possible re-roll)"})
    return draw
