"""Enumerations of planning: inspection types and sources, task and plan states, tier methods."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InspectionType(models.TextChoices):
    """The Ministry of Justice's three types of administrative inspection."""

    ROUTINE = "routine", _("日常检查")
    CASE = "case", _("个案检查")
    SPECIAL = "special", pgettext_lazy("inspection type", "专项检查")


class TaskSource(models.TextChoices):
    """Where a task comes from (任务来源)."""

    ANNUAL_PLAN = "annual_plan", pgettext_lazy("task source", "年度检查计划")
    SPECIAL_PLAN = "special_plan", pgettext_lazy("task source", "专项检查计划")
    DRAW = "draw", _("双随机抽取")
    COMPLAINT = "complaint", _("投诉举报")
    REFERRAL = "referral", _("转办交办")
    MONITORING = "monitoring", _("数据监测")
    SUDDEN_EVENT = "sudden_event", _("突发情况")
    HIGHER_LEVEL = "higher_level", _("上级要求")
    ENTERPRISE_REQUEST = "enterprise_request", _("企业申请")
    RECHECK = "recheck", _("复查")


# R10: these sources may start without prior approval (补办手续 afterwards).
URGENT_SOURCES = frozenset({TaskSource.SUDDEN_EVENT, TaskSource.COMPLAINT, TaskSource.REFERRAL, TaskSource.MONITORING})

# R21: sources that do not count against the cap (counted and reported instead); configurable per agency.
DEFAULT_EXEMPT_SOURCES = frozenset({
    TaskSource.COMPLAINT, TaskSource.REFERRAL, TaskSource.MONITORING, TaskSource.RECHECK,
    TaskSource.ENTERPRISE_REQUEST, TaskSource.HIGHER_LEVEL,
})


class TaskStatus(models.TextChoices):
    """draft → submitted (事前备案) → approved; urgent: urgent_started → approved (补办) ; or rejected/cancelled."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提报待审批")
    URGENT_STARTED = "urgent_started", _("紧急实施待补办")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已退回")
    CANCELLED = "cancelled", _("已取消")
    COMPLETED = "completed", _("已完成")


# Tasks in these states hold a place under the cap (approved and not yet cancelled, R21).
CAP_HOLDING_STATUSES = frozenset({TaskStatus.APPROVED, TaskStatus.URGENT_STARTED, TaskStatus.COMPLETED})


class PlanStatus(models.TextChoices):
    """An annual plan is drafted, then filed (each filing an immutable version)."""

    DRAFT = "draft", _("草稿")
    FILED = "filed", _("已备案")


class SpecialPlanStatus(models.TextChoices):
    """draft → submitted → approved (then published) / rejected."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class ApproverKind(models.TextChoices):
    """Who approves a special plan (R08)."""

    GOVERNMENT = "government", _("县人民政府")
    VERTICAL_SUPERIOR = "vertical_superior", _("垂直管理的上一级行政机关")


class TierMethod(models.TextChoices):
    """How a tier was assigned."""

    MANUAL = "manual", _("机关评定")
    SCORED = "scored", _("评分模型")


class CreditRating(models.TextChoices):
    """Platform-wide credit-risk rating (A best)."""

    A = "A", _("A 信用良好")
    B = "B", _("B 信用一般")
    C = "C", _("C 信用较差")
    D = "D", _("D 严重失信")


class CalendarDayKind(models.TextChoices):
    """A day that differs from the Monday–Friday rule."""

    HOLIDAY = "holiday", _("法定节假日")
    WORKDAY = "workday", _("调休上班")


class JointStatus(models.TextChoices):
    """A joint inspection groups several agencies' tasks into one visit."""

    PLANNED = "planned", _("已合并待实施")
    DISSOLVED = "dissolved", _("已解散")


class AvGround(models.TextChoices):
    """Why a task needs a full audio/video record (R17, 原则上要全过程音像记录)."""

    CONTENTIOUS = "contentious", _("争议较大")
    PERSONAL_LIBERTY = "personal_liberty", _("涉及人身自由")
    LIFE_HEALTH = "life_health", _("涉及生命健康")
    MAJOR_PROPERTY = "major_property", _("涉及重大财产权益")
