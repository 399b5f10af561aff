"""Planning rules: what a task must satisfy (R01 R02 R04 R08 R12 R14 R25), the draw and cap questions
that follow from its type and source (R21, R24), and the frequency cap itself (R21).

Each function returns a refusal (``RuleViolation`` / ``ValidationFailed``) or None, or a plain answer;
services raise what these return, so a rule's wording lives here once.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.utils.translation import gettext

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_has_role
from clearcheck.catalog.choices import VersionStatus
from clearcheck.catalog.rules import item_list_refusal
from clearcheck.core.errors import DomainError, FieldError, PermissionDenied, RuleViolation, ValidationFailed
from clearcheck.registry.rules import (
    agency_inspection_refusal,
    officer_qualification_refusal,
    recusal_refusal,
)

from .choices import URGENT_SOURCES, InspectionType, SpecialPlanStatus, TaskSource, TaskStatus
from .settings import planning_settings_for

MIN_OFFICERS = 2
LOW_RISK_MESSAGE = "低风险企业原则上不主动开展现场检查"


# --- Type × source (R21, R24) ----------------------------------------------------------------------


def draw_required(inspection_type: str, source: str, *, special_sector: bool = False) -> bool:
    """R24: a routine inspection picks its enterprise by a double-random draw, unless it came from a draw
    or its items belong to a listed special sector.
    """
    return inspection_type == InspectionType.ROUTINE and source != TaskSource.DRAW and not special_sector


def draw_refusal(inspection_type: str, source: str, items, *, from_draw: bool = False) -> RuleViolation | None:
    """R24: a routine task needs a draw unless every item is of a listed special sector; and only a draw
    makes a task whose source is the draw (no one types "双随机抽取" onto a hand-picked enterprise).
    """
    if source == TaskSource.DRAW and not from_draw:
        return RuleViolation("R24", "来源为双随机抽取的检查任务只能由抽取结果生成,不能手工创建", field="source")
    items = list(items)
    special = bool(items) and all(getattr(item, "special_sector", "") for item in items)
    if draw_required(inspection_type, source, special_sector=special):
        return RuleViolation("R24", "日常检查须通过双随机抽取确定检查对象和执法人员;仅直接涉及公共安全和人民群众生命健康的"
                             "特殊重点领域事项除外", field="inspection_type")
    return None


def counts_against_cap(agency, source: str) -> bool:
    """R21: whether a task of ``source`` counts against the agency's cap (False for its exempt sources)."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    return source not in planning_settings_for(agency_id).exempt_sources


def type_source_errors(inspection_type: str, source: str, *, special_plan=None) -> list[FieldError]:
    """Whether the type and source fit together: a special-plan source is a special inspection of a plan."""
    errors: list[FieldError] = []
    if inspection_type not in InspectionType.values:
        errors.append(FieldError("inspection_type", "检查类型须为日常检查、个案检查或专项检查"))
    if source not in TaskSource.values:
        errors.append(FieldError("source", "请选择任务来源"))
    if source == TaskSource.SPECIAL_PLAN:
        if special_plan is None:
            errors.append(FieldError("special_plan", "来源为专项检查计划的任务须关联该专项检查计划"))
        if inspection_type and inspection_type != InspectionType.SPECIAL:
            errors.append(FieldError("inspection_type", "来源为专项检查计划的任务,检查类型须为专项检查"))
    elif special_plan is not None:
        errors.append(FieldError("special_plan", "只有来源为专项检查计划的任务可以关联专项检查计划"))
    return errors


# --- Task content (R01 R02 R04 R08 R12 R14 R25) ----------------------------------------------------


def task_window_errors(window_start: dt.date | None, window_end: dt.date | None) -> list[FieldError]:
    """The window is two dates, the end not before the start."""
    errors = []
    if window_start is None:
        errors.append(FieldError("window_start", "请填写检查开始日期"))
    if window_end is None:
        errors.append(FieldError("window_end", "请填写检查结束日期"))
    if window_start and window_end and window_end < window_start:
        errors.append(FieldError("window_end", "检查结束日期不能早于开始日期"))
    return errors


def task_checklist_refusal(agency, checklist) -> RuleViolation | None:
    """R04: the checklist is a published version that covers items of the task's agency."""
    if checklist is None:
        return None
    if checklist.status != VersionStatus.PUBLISHED:
        return RuleViolation("R04", f"检查表单“{checklist.name}”v{checklist.version} 不是已发布的现行版本",
                             field="checklist")
    if not checklist.entries.filter(item__agency_id=agency.pk).exists():
        return RuleViolation("R04", f"检查表单“{checklist.name}”不含{agency.name}的检查事项", field="checklist")
    return None


def single_officer_basis(items) -> str:
    """R14 除法律另有规定外: the items' recorded legal bases when every item allows one officer, else ''.

    The one reading of the exception: task assignment (``task_officers_refusal``) and the check-in's team
    rule (``inspections.rules.team_refusal``) both ask it.
    """
    items = list(items)
    bases = [(item.single_officer_basis or "").strip() for item in items]
    if not items or not all(bases):
        return ""
    return ";".join(f"{item.code} {item.name}:{basis}" for item, basis in zip(items, bases, strict=True))


def officers_needed(items) -> int:
    """R14: how many officers a task of ``items`` needs (two, or one when every item records a legal basis)."""
    return 1 if single_officer_basis(items) else MIN_OFFICERS


def task_officers_refusal(agency, officers: Iterable, items: Iterable, window_start: dt.date,
                          window_end: dt.date, today: dt.date, enterprise=None) -> DomainError | None:
    """R14 (at least two, unless every item records a legal basis for one), all of the task's agency,
    each qualified for the whole window (R12, R25), none recused from ``enterprise`` (R13).
    The refusal names the officer.
    """
    officers, items = list(officers), list(items)
    needed = officers_needed(items)
    if len(officers) < needed:
        names = "、".join(o.name for o in officers) or "无"
        return RuleViolation("R14", f"须指派至少 {needed} 名行政执法人员(当前:{names})", field="officers")
    for officer in officers:
        if officer.agency_id != agency.pk:
            return ValidationFailed(FieldError("officers", f"{officer.name} 不是{agency.name}的执法人员"))
        for day in sorted({max(today, window_start), window_end}):
            refusal = officer_qualification_refusal(officer, on=day)
            if refusal is not None:
                return RuleViolation(refusal.rule_id, refusal.plain, field="officers")
    return recusal_refusal(officers, enterprise)


def urgent_start_refusal(task) -> RuleViolation | None:
    """R06/R10: only an urgent source (sudden event, complaint, referral, monitoring …) may start before its
    approval; every other task is filed and approved first (事前备案).
    """
    if task.source in URGENT_SOURCES:
        return None
    labels = "、".join(str(TaskSource(s).label) for s in sorted(URGENT_SOURCES))
    return RuleViolation("R06", f"任务来源“{task.get_source_display()}”不属于可先行实施的紧急情形({labels}),"
                                "须事前提报并经负责人批准")


def task_unfiled_refusal(task) -> RuleViolation | None:
    """R06: a task not yet filed (still a draft) cannot be approved."""
    if task.status == TaskStatus.DRAFT:
        return RuleViolation("R06", "该任务尚未提报备案,不能审批;请先提报")
    return None


def approver_refusal(actor) -> DomainError | None:
    """R07: a task (or a draw's tasks) is approved only by the agency head; a department head alone is refused
    with the rule, any other role is not permitted. The agency itself is the caller's check.
    """
    if actor_has_role(actor, Role.DEPARTMENT_HEAD):
        return RuleViolation("R07", "内设机构负责人不能批准检查方案,须由行政执法机关负责人批准")
    if not actor_has_role(actor, Role.AGENCY_HEAD):
        return PermissionDenied("只有本机关负责人可以审批检查任务")
    return None


def special_plan_submit_refusal(plan, *, used: int, quota: int) -> RuleViolation | None:
    """R08: a special plan goes to approval only after legal review and collective discussion, and within the
    lead agency's annual quota (``used`` other plans submitted or approved this year).
    """
    if not plan.legal_review:
        return RuleViolation("R08", "专项检查计划须先经法制审核,请登记法制审核意见", field="legal_review")
    if not plan.collective_discussion or plan.discussed_at is None:
        return RuleViolation("R08", "专项检查计划须经集体讨论,请登记集体讨论记录", field="collective_discussion")
    if used >= quota:
        return RuleViolation("R08", f"年度专项检查数量已达上限 {quota}", field="year")
    return None


def special_plan_task_refusal(plan, on: dt.date | None = None) -> RuleViolation | None:
    """R08: a task of a special plan runs only once the plan is approved, and within the plan's period."""
    if plan.status != SpecialPlanStatus.APPROVED or plan.published_at is None:
        return RuleViolation("R08", f"专项检查计划“{plan.title}”尚未批准,其检查任务不得实施", field="special_plan")
    if on is not None and not plan.period_start <= on <= plan.period_end:
        return RuleViolation(
            "R08", f"{on:%Y-%m-%d} 不在专项检查“{plan.title}”的实施期间({plan.period_start:%Y-%m-%d} 至 "
                   f"{plan.period_end:%Y-%m-%d})内", field="window_start",
        )
    return None


def draw_task_frozen_refusal(task, changed) -> RuleViolation | None:
    """R24: the draw chose a drawn task's enterprise and officers (双随机); nobody re-picks them by hand."""
    frozen = [name for name in ("enterprise", "officers", "inspection_type", "source") if name in changed]
    if frozen and task.source == TaskSource.DRAW and task.draw_picks.exists():
        return RuleViolation("R24", "双随机抽取生成的任务不能更改检查对象、执法人员、检查类型或来源", field=frozen[0])
    return None


def special_plan_refusal(special_plan, window_start: dt.date | None = None,
                         window_end: dt.date | None = None, agency=None) -> RuleViolation | None:
    """R08: no task of a special plan runs before the plan is approved, nor outside its period, nor by
    an agency that neither leads nor joins the campaign.
    """
    if special_plan is None:
        return None
    for day in [d for d in dict.fromkeys((window_start, window_end)) if d is not None] or [None]:
        if refusal := special_plan_task_refusal(special_plan, day):
            return refusal
    if agency is not None and agency.pk != special_plan.lead_agency_id and \
            not special_plan.co_agencies.filter(pk=agency.pk).exists():
        return RuleViolation("R08", f"{agency.name}不是专项检查“{special_plan.title}”的牵头或参与部门",
                             field="special_plan")
    return None


def task_refusal(*, agency, items, officers, checklist, window_start, window_end, special_plan, today,
                 enterprise=None) -> DomainError | None:
    """Every content rule of a task, first refusal first: R01, R02, R04, R08, R14/R12/R25/R13."""
    for refusal in (
        agency_inspection_refusal(agency),
        item_list_refusal(agency, items),
        task_checklist_refusal(agency, checklist),
        special_plan_refusal(special_plan, window_start, window_end, agency),
        task_officers_refusal(agency, officers, items, window_start, window_end, today, enterprise),
    ):
        if refusal is not None:
            return refusal
    return None


# --- Frequency limits (R21) ------------------------------------------------------------------------
#
# Two kinds of yearly limit bound an agency's inspections of one enterprise:
#   "tier": the enterprise's tier cap in the agency's scheme (R21, 分级分类): every inspection of the agency
#           at the enterprise from a source that counts against the cap counts against it;
#   "item": an inspection item's own yearly frequency (``InspectionItem.annual_cap``, 检查事项清单): only the
#           inspections that cover that item (by item code, so a re-published item keeps its count) count.
# Both apply at once; neither replaces the other (an item's frequency is never "the" cap of the agency).

TIER_LIMIT = "tier"
ITEM_LIMIT = "item"
# How the task or visit a line is shown for stands to the count (``LimitLine.current``).
CURRENT_COUNTED = "counted"  # it holds a place: included in ``count`` (含本次)
CURRENT_PENDING = "pending"  # not approved yet: approving it would make the count ``count + 1``
CURRENT_EXEMPT = "exempt"  # an exempt source: not counted (R21, counted apart in ``exempt``)


@dataclass(frozen=True)
class LimitLine:
    """One yearly limit on an agency's inspections of an enterprise and this year's count against it.

    ``kind`` is ``"tier"`` (the tier cap: ``code``/``name`` of the tier) or ``"item"`` (an item's own
    yearly frequency: ``code``/``name`` of the item). ``cap`` is the limit (0 for a low-risk tier: no
    proactive inspection). ``count`` is the number of this year's inspections that count against this
    limit, ``exempt`` the ones of exempt sources counted apart, ``visited`` (tier only) the proactive
    visits already opened (what the check-in re-check compares, ADR 0009). ``current`` says how the task
    or visit the line is shown for stands (``CURRENT_*``; empty for an enterprise-wide view); ``binding``
    marks the line that leaves the fewest places. ``planning.selectors.limits.limit_lines`` builds them.
    """

    kind: str
    agency_id: int | None
    agency_name: str
    code: str
    name: str
    cap: int
    count: int = 0
    exempt: int = 0
    visited: int = 0
    low_risk: bool = False
    current: str = ""
    binding: bool = False

    FIELDS = ("kind", "agency_id", "agency_name", "code", "name", "cap", "count", "exempt", "visited",
              "low_risk", "current", "binding")

    @property
    def is_tier(self) -> bool:
        """Whether this is the tier cap (else an item's own frequency)."""
        return self.kind == TIER_LIMIT

    @property
    def label(self) -> str:
        """Which limit this is: "D 级年度上限 4 次" or "《事项名》年度频次 1 次"."""
        if self.is_tier:
            return gettext("%(code)s 级年度上限 %(cap)s 次") % {"code": self.code, "cap": self.cap}
        return gettext("《%(name)s》年度频次 %(cap)s 次") % {"name": self.name, "cap": self.cap}

    @property
    def remaining(self) -> int:
        """Places left this year under this limit."""
        return max(self.cap - self.count, 0)

    @property
    def reached(self) -> bool:
        """No further inspection counting against this limit fits this year."""
        return self.count >= self.cap

    @property
    def over(self) -> bool:
        """More inspections count against it than it allows (an urgent start over the cap, R10)."""
        return self.count > self.cap

    @property
    def next_count(self) -> int:
        """The count once a task not yet approved is approved."""
        return self.count + 1

    def as_dict(self) -> dict:
        """The line as JSON-safe data (what an on-site record keeps)."""
        return {name: getattr(self, name) for name in self.FIELDS}

    @classmethod
    def from_dict(cls, data: dict) -> "LimitLine":
        """A line from ``as_dict`` data (unknown keys ignored)."""
        return cls(**{name: data[name] for name in cls.FIELDS if name in data})


def tier_is_low_risk(tier) -> bool:
    """The lowest tier (rank 1) or a tier with cap 0 gets no proactive on-site inspection (R21)."""
    return tier.rank == 1 or tier.annual_cap == 0


def tier_cap(tier) -> int:
    """The tier's yearly cap on proactive inspections (0 for a low-risk tier)."""
    return 0 if tier_is_low_risk(tier) else tier.annual_cap


def tier_limit_line(*, tier, agency_id: int | None, agency_name: str = "", count: int = 0, exempt: int = 0,
                    visited: int = 0, current: str = "") -> LimitLine:
    """The tier line of an agency at an enterprise (R21)."""
    return LimitLine(TIER_LIMIT, agency_id, agency_name, tier.code, tier.name, tier_cap(tier), count, exempt,
                     visited, tier_is_low_risk(tier), current)


def item_limit_line(*, item, agency_id: int | None, agency_name: str = "", count: int = 0, exempt: int = 0,
                    current: str = "") -> LimitLine:
    """The line of an item with its own yearly frequency (``item.annual_cap`` must be set)."""
    return LimitLine(ITEM_LIMIT, agency_id, agency_name, item.code, item.name, item.annual_cap, count, exempt,
                     0, False, current)


def limits_marked(lines: Iterable[LimitLine], *, for_tasks: bool) -> list[LimitLine]:
    """The lines with ``binding`` set: per agency, the line with the fewest places left (the tier on a tie).

    For a task or visit (``for_tasks``) that is the limit that decides whether it fits; in an
    enterprise-wide view it is the tier line (an item's frequency binds only inspections of that item).
    """
    lines = list(lines)
    chosen: dict = {}
    for n, line in enumerate(lines):
        if not for_tasks and not line.is_tier:
            continue
        key = (line.remaining, 0 if line.is_tier else 1, n)
        if line.agency_id not in chosen or key < chosen[line.agency_id][0]:
            chosen[line.agency_id] = (key, n)
    marked = {n for _key, n in chosen.values()}
    return [replace(line, binding=n in marked) for n, line in enumerate(lines)]


def limit_refusal_reason(line: LimitLine) -> str:
    """Why one more inspection does not fit under ``line`` ('' when it fits)."""
    if line.is_tier and line.low_risk:
        return f"{line.code} 级:{LOW_RISK_MESSAGE}"
    if not line.reached:
        return ""
    if line.is_tier:
        return f"本年度计入上限的检查已有 {line.count} 次,已达 {line.code} 级年度上限 {line.cap} 次"
    return f"本年度《{line.name}》已检查 {line.count} 次,已达该事项年度频次上限 {line.cap} 次"


@dataclass(frozen=True)
class CapVerdict:
    """Whether one more proactive task of an agency at an enterprise fits this year: under the tier cap
    (``cap``, ``used``) and under the own frequency of each of its items (``lines``, tier first).
    """

    enterprise_id: int
    tier_code: str
    cap: int
    used: int
    allowed: bool
    reason: str
    lines: tuple = ()

    @property
    def refusing(self) -> LimitLine | None:
        """The first limit that does not allow one more (None when allowed)."""
        return next((line for line in self.lines if limit_refusal_reason(line)), None)


def cap_verdict(*, enterprise_id: int, tier, used: int, items_used: Iterable[tuple] = ()) -> CapVerdict:
    """R21 for one enterprise: low tier → none; otherwise ``used < tier cap`` and, for each
    ``(item, count)`` of ``items_used`` whose item has its own yearly frequency, ``count < item cap``.
    The first limit that refuses gives the reason.
    """
    lines = [tier_limit_line(tier=tier, agency_id=None, count=used)]
    lines += [item_limit_line(item=item, agency_id=None, count=count)
              for item, count in items_used if item.annual_cap is not None]
    reason = next((r for r in map(limit_refusal_reason, lines) if r), "")
    return CapVerdict(enterprise_id, tier.code, lines[0].cap, used, not reason, reason, tuple(lines))


def cap_refusal(verdict: CapVerdict) -> RuleViolation | None:
    """The R21 refusal of a verdict that does not allow one more proactive task."""
    if verdict.allowed:
        return None
    return RuleViolation("R21", verdict.reason)


def visit_cap_refusal(agency_name: str, verdict: CapVerdict) -> RuleViolation:
    """The R21 refusal of an inspection visit of the agency that would go over a limit (at check-in)."""
    return RuleViolation("R21", f"{agency_name}:{verdict.reason}(本年度已入企检查 {verdict.used} 次),不能开始本次检查")

