"""An alert's 触发事实 as a report reads them (issue 19): each fact under its Chinese label, times local and
formatted (2026年12月7日 21:30), agencies, enterprises, tasks, visits, refusals, draws and evaluations as links to
their pages by name, codes (task source, status, limit, conduct question) in words. Never a key:value dump.

The facts are what the raising app stored (``alert_raise(facts=...)``); this module only presents them. The
names are read in one query per kind of object, however many facts an alert holds.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from clearcheck.feedback.choices import CONDUCT_QUESTIONS
from clearcheck.feedback.models import Evaluation
from clearcheck.inspections.models import EntryRefusal, Visit
from clearcheck.planning.choices import TaskSource, TaskStatus
from clearcheck.planning.models import InspectionTask
from clearcheck.registry.models import Agency, Enterprise
from clearcheck.sampling.models import Draw

FACT_LABELS = {
    "agency": _lazy("涉及机关"), "agencies": _lazy("涉及机关"), "enterprise": _lazy("企业"),
    "refusal": _lazy("拒绝入企登记"), "visit": _lazy("入企检查"), "task": _lazy("检查任务"),
    "tasks": _lazy("检查任务"), "recheck_task": _lazy("复查任务"), "recheck_task_status": _lazy("复查任务状态"),
    "draw": _lazy("双随机抽取"), "evaluation": _lazy("事后评价"), "finding": _lazy("检查发现"),
    "disposition": _lazy("处置"), "evidence": _lazy("证据"),
    "people": _lazy("检查人员"), "occurred_at": _lazy("发生时间"), "place": _lazy("地点"),
    "feedback": _lazy("企业反馈"), "year": _lazy("年度"), "deadline": _lazy("期限"), "filed_at": _lazy("备案时间"),
    "version": _lazy("版本"), "source": _lazy("任务来源"), "reason": _lazy("事由"), "started_at": _lazy("开始实施时间"),
    "today": _lazy("检查日期"), "kind": _lazy("情形"), "exempt_count": _lazy("不计入上限的检查次数"),
    "proactive_count": _lazy("主动检查次数"), "cap": _lazy("年度上限"), "used": _lazy("已用次数"),
    "visited": _lazy("已入企次数"), "limit": _lazy("触及的上限"), "score": _lazy("总体评分"),
    "conduct_yes": _lazy("反映的违规情形"), "uncovered": _lazy("未覆盖音像的情形"), "opened_at": _lazy("开始检查时间"),
    "closed_at": _lazy("结束检查时间"), "sha256": _lazy("文件摘要(SHA-256)"), "problem": _lazy("问题"),
    "description": _lazy("问题描述"), "days_overdue": _lazy("逾期天数"), "title": _lazy("名称"),
    "commitment": _lazy("抽取承诺"), "public_source": _lazy("公开随机源"), "frame_sha256": _lazy("抽取名单摘要"),
    "parameters_sha256": _lazy("抽取参数摘要"), "window_start": _lazy("检查窗口开始"), "window_end": _lazy("检查窗口结束"),
    "window": _lazy("检查窗口"), "status": _lazy("状态"), "suggestion": _lazy("合并建议"), "date": _lazy("建议日期"),
    "lead_agency": _lazy("牵头机关"), "visits_saved": _lazy("可减少入企次数"),
    "day": _lazy("日期"), "lockouts": _lazy("暂停登录次数"), "first": _lazy("首次暂停时间"),
    "last": _lazy("最近暂停时间"), "addresses": _lazy("客户端地址"),
}
# Facts another fact already shows (the name beside its id) or that repeat another in another shape.
HIDDEN = {"enterprise_name", "agency_name", "windows", "uscc", "id", "name"}
KIND_LABELS = {
    "exempt": _lazy("不计入上限的检查"), "urgent_over_cap": _lazy("紧急检查超出年度上限"),
    "urgent_visit_over_cap": _lazy("紧急入企超出年度上限"),
}
PROBLEM_LABELS = {
    "stored file does not match its SHA-256": _lazy("存储的文件与其 SHA-256 摘要不符"),
    "a committed draw was cancelled (possible re-roll)": _lazy("已公布承诺的抽取被作废(可能重抽)"),
    "committed but never selected (possible re-roll)": _lazy("已公布承诺但未执行抽取(可能重抽)"),
    "result not revealed": _lazy("抽取结果逾期未公开"),
    "stored frame does not match the hash published at commit": _lazy("存储的抽取名单与承诺时公布的摘要不符"),
    "stored parameters does not match the hash published at commit": _lazy("存储的抽取参数与承诺时公布的摘要不符"),
}
# fact key → (kind of object, URL name): the fact's value is that object's id.
REFERENCES = {
    "agency": "agency", "lead_agency": "agency", "agencies": "agency", "enterprise": "enterprise",
    "refusal": "refusal", "visit": "visit", "task": "task", "tasks": "task", "recheck_task": "task",
    "draw": "draw", "evaluation": "evaluation",
}
URL_NAMES = {
    "agency": "registry:agency_detail", "enterprise": "registry:enterprise_detail",
    "refusal": "inspections:entry_refusal_detail", "visit": "inspections:visit_detail",
    "task": "planning:task_detail", "draw": "sampling:draw_detail", "evaluation": "feedback:evaluation_detail",
}
NUMBERED = {"finding", "disposition", "evidence"}
ORDER = {key: index for index, key in enumerate(FACT_LABELS)}
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Fact:
    """One labelled fact: its text, a link when it names an object, and the parts of a list or group."""

    label: str
    text: str = ""
    url: str = ""
    parts: list["Fact"] = field(default_factory=list)


def local_time_text(value: dt.datetime) -> str:
    """2026年12月7日 21:30 in the deployment's time zone."""
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"


def date_text(value: dt.date) -> str:
    """2026年3月31日."""
    return f"{value.year}年{value.month}月{value.day}日"


def _scalar_text(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, str):
        if ISO_TIME.match(value):
            try:
                return local_time_text(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
            except ValueError:
                return value
        if ISO_DATE.match(value):
            return date_text(dt.date.fromisoformat(value))
        if key == "source" and value in TaskSource.values:
            return str(TaskSource(value).label)
        if key in ("status", "recheck_task_status") and value in TaskStatus.values:
            return str(TaskStatus(value).label)
        if key == "kind" and value in KIND_LABELS:
            return str(KIND_LABELS[value])
        if key == "problem":
            return str(PROBLEM_LABELS.get(value, value))
        if key == "limit":
            return _limit_text(value)
    if key in NUMBERED and isinstance(value, int):
        return f"#{value}"
    if key == "days_overdue":
        return _("%(n)s 天") % {"n": value}
    return str(value)


def _limit_text(value: str) -> str:
    kind, _sep, code = value.partition(":")
    if kind == "tier":
        return _("风险等级 %(code)s 的年度上限") % {"code": code}
    if kind == "item":
        return _("检查事项 %(code)s 的年度频次") % {"code": code}
    return value


class _Names:
    """Names of the objects the facts refer to, read in one query per kind."""

    def __init__(self, facts: dict):
        wanted: dict[str, set[int]] = {}
        _collect(facts, wanted)
        self.names: dict[tuple[str, int], str] = {}
        loaders = {
            "agency": lambda ids: Agency.objects.filter(pk__in=ids).values_list("pk", "name"),
            "enterprise": lambda ids: Enterprise.objects.filter(pk__in=ids).values_list("pk", "name"),
            "task": lambda ids: ((pk, _("任务 #%(id)s · %(name)s") % {"id": pk, "name": name}) for pk, name in
                                 InspectionTask.objects.filter(pk__in=ids).values_list("pk", "enterprise__name")),
            "visit": lambda ids: ((pk, _("入企检查 #%(id)s · %(name)s") % {"id": pk, "name": name}) for pk, name in
                                  Visit.objects.filter(pk__in=ids).values_list("pk", "enterprise__name")),
            "refusal": lambda ids: ((pk, _("拒绝入企 #%(id)s · %(name)s") % {"id": pk, "name": name}) for pk, name in
                                    EntryRefusal.objects.filter(pk__in=ids).values_list("pk", "enterprise__name")),
            "draw": lambda ids: Draw.objects.filter(pk__in=ids).values_list("pk", "title"),
            "evaluation": lambda ids: ((pk, _("事后评价 #%(id)s") % {"id": pk}) for pk in
                                       Evaluation.objects.filter(pk__in=ids).values_list("pk", flat=True)),
        }
        for kind, ids in wanted.items():
            for pk, name in loaders[kind](ids):
                self.names[(kind, pk)] = name

    def fact(self, label: str, kind: str, ref) -> Fact:
        if isinstance(ref, dict):  # {"id": 3, "name": "…"} as R09 stores an enterprise or an agency
            ref = ref.get("id")
        if isinstance(ref, str) and ref:  # a name stored instead of an id (R05 stores the agency's name)
            return Fact(label, ref)
        if not isinstance(ref, int):
            return Fact(label, "—")
        name = self.names.get((kind, ref))
        if name is None:  # gone, or never existed: the id alone, without a link to a missing page
            return Fact(label, f"#{ref}")
        return Fact(label, name, reverse(URL_NAMES[kind], args=[ref]))


def _collect(value, wanted: dict[str, set[int]], key: str | None = None) -> None:
    """Gather the ids of the objects ``value`` refers to (by the key it is stored under), at any depth."""
    if isinstance(value, list):
        for item in value:
            _collect(item, wanted, key)
    elif isinstance(value, dict):
        if key in REFERENCES and isinstance(value.get("id"), int):
            wanted.setdefault(REFERENCES[key], set()).add(value["id"])
        for k, v in value.items():
            if k not in ("id", "name"):
                _collect(v, wanted, k)
    elif key in REFERENCES and isinstance(value, int) and not isinstance(value, bool):
        wanted.setdefault(REFERENCES[key], set()).add(value)


def _label(key: str) -> str:
    return str(FACT_LABELS.get(key, _("其他")))


def _present(key: str, value, names: _Names) -> Fact:
    label = _label(key)
    if key in REFERENCES and not isinstance(value, list):
        return names.fact(label, REFERENCES[key], value)
    if key == "conduct_yes" and isinstance(value, list):
        texts = dict(CONDUCT_QUESTIONS)
        return Fact(label, parts=[Fact("", str(texts.get(code, code))) for code in value]) if value \
            else Fact(label, _("无"))
    if key == "window" and isinstance(value, list) and len(value) == 2:
        return Fact(label, f"{_scalar_text(key, value[0])} — {_scalar_text(key, value[1])}")
    if isinstance(value, list):
        if not value:
            return Fact(label, "—")
        if key in REFERENCES:
            return Fact(label, parts=[_present_item(key, item, names) for item in value])
        return Fact(label, parts=[_present(key, item, names) if not isinstance(item, dict)
                                  else Fact("", parts=_present_all(item, names)) for item in value])
    if isinstance(value, dict):
        return Fact(label, parts=_present_all(value, names))
    return Fact(label, _scalar_text(key, value))


def _present_item(key: str, item, names: _Names) -> Fact:
    """One element of a list of objects (``tasks``, ``agencies``): the object, with its other facts below."""
    kind = REFERENCES[key]
    head = names.fact("", kind, item)
    if isinstance(item, dict):
        head.parts = _present_all({k: v for k, v in item.items() if k not in ("id", "name")}, names)
    return head


def _present_all(facts: dict, names: _Names) -> list[Fact]:
    keys = sorted((key for key in facts if key not in HIDDEN), key=lambda key: ORDER.get(key, len(ORDER)))
    return [_present(key, facts[key], names) for key in keys]


def alert_facts_present(facts: dict) -> list[Fact]:
    """The alert's facts as labelled ``Fact`` rows, in the order the raising app gave them."""
    return _present_all(facts, _Names(facts))
