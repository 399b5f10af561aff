"""The task documents: 行政检查审批表 (approval form) and 行政检查通知书 (notice to the enterprise),
following the Ministry of Justice's 行政检查文书基本格式文本 (2025).
"""

import json

from clearcheck.audit.selectors import audit_events_for_subject
from clearcheck.planning.choices import TaskStatus
from clearcheck.planning.models import InspectionTask
from clearcheck.planning.models.tasks import CapPlace
from clearcheck.planning.selectors.limits import limit_lines

from . import scope, texts
from .common import date_cn, document_number, minute_cn, officer_row, user_names
from .render import PdfDocument, render

# Assisting staff (协助检查人员) are not recorded on a task: the platform lets only qualified officers
# inspect (R12), so the number printed is always none.
ASSISTING_STAFF = "无"
TASK_EVENTS = ("inspection_task.create", "inspection_task.submit", "inspection_task.start_urgent",
               "inspection_task.approve", "inspection_task.reject")


def cap_position(task: InspectionTask) -> dict:
    """The task's limits this year with the counts against them (R21, ``planning.selectors.limits``): the
    enterprise's tier cap in the task's agency and each item's own yearly frequency, as every page shows
    them; whether the task counts (an exempt source does not) and holds its place yet.
    """
    lines = limit_lines(year=task.year, enterprise_id=task.enterprise_id, tasks=[task])
    tier = lines[0]
    return {
        "year": task.year, "lines": lines, "tier": tier, "used": tier.count, "cap": tier.cap, "low_risk": tier.low_risk,
        "counted": task.counts_against_cap, "holds_place": task.cap_place == CapPlace.PROACTIVE,
        "exempt_count": tier.exempt, "visited_count": tier.visited,
        "exempt_source": "" if task.counts_against_cap else task.get_source_display(),
    }


def _events(task: InspectionTask) -> dict:
    """The latest create / submit / decision events of the task from the audit trail (who and when)."""
    latest: dict = {}
    for event in audit_events_for_subject("planning.inspectiontask", task.pk).filter(action__in=TASK_EVENTS):
        latest.setdefault(event.action, event)  # newest first
    names = user_names(e.actor_id for e in latest.values())

    def who(action):
        event = latest.get(action)
        if event is None:
            return None
        after = json.loads(event.body).get("after") or {}
        return {"name": names.get(event.actor_id, event.actor_label), "at": minute_cn(event.occurred_at),
                "date": date_cn(event.occurred_at), "note": after.get("note") or after.get("reason") or ""}

    submit = who("inspection_task.start_urgent") if task.urgent else who("inspection_task.submit")
    return {"drafter": who("inspection_task.create"), "submitter": submit or who("inspection_task.submit"),
            "approval": who("inspection_task.approve"), "rejection": who("inspection_task.reject")}


def _items(task: InspectionTask) -> list[dict]:
    return [{"code": i.code, "name": i.name, "legal_basis": i.legal_basis, "method": i.method,
             "single_officer_basis": i.single_officer_basis}
            for i in sorted(task.items.all(), key=lambda i: i.code)]


def _task_common(task: InspectionTask) -> dict:
    items = _items(task)
    methods = list(dict.fromkeys(i["method"] for i in items if i["method"]))
    enterprise = task.enterprise
    return {
        "task": task, "agency": task.agency, "enterprise": enterprise, "items": items,
        "method": "、".join(methods) or "现场检查",
        "inspection_type": task.get_inspection_type_display(), "source": task.get_source_display(),
        "source_reference": task.source_reference,
        "window": f"{date_cn(task.window_start)} 至 {date_cn(task.window_end)}",
        "officers": [officer_row(o) for o in sorted(task.officers.all(), key=lambda o: o.name)],
        "assisting_staff": ASSISTING_STAFF, "frequency": cap_position(task),
        "checklist": task.checklist,
    }


def approval_form_context(task: InspectionTask) -> dict:
    """What the 行政检查审批表 prints: object, items and basis, source, method, time, officers, assisting
    staff, frequency against the cap, the handler's opinion and the head's approval.
    """
    events = _events(task)
    opinion = (f"拟于{date_cn(task.window_start)}至{date_cn(task.window_end)}对{task.enterprise.name}"
               f"实施{task.get_inspection_type_display()}(任务来源:{task.get_source_display()}),"
               f"检查事项见上表,检查人员均持有效行政执法证件。")
    opinion += "该检查已紧急先行实施,现补办审批手续,请审批。" if task.urgent else "请审批。"
    approved = task.approved_at is not None
    approver = user_names([task.approved_by_id]).get(task.approved_by_id, task.approved_by) if approved else ""
    decision = None
    if approved:
        note = (events["approval"] or {}).get("note") or (task.decision_note if task.status != TaskStatus.CANCELLED
                                                           else "")
        decision = {"text": note or "同意。", "name": approver, "at": minute_cn(task.approved_at),
                    "date": date_cn(task.approved_at)}
    elif task.status == TaskStatus.REJECTED and events["rejection"]:
        rejection = events["rejection"]
        decision = {"text": f"不同意,退回。理由:{rejection['note'] or task.decision_note}",
                    "name": rejection["name"], "at": rejection["at"], "date": rejection["date"]}
    return {
        **_task_common(task), "title": "行政检查审批表",
        "number": document_number(task.agency, "检审", task.year, task.pk),
        "opinion": opinion, "handler": events["submitter"] or events["drafter"], "drafter": events["drafter"],
        "submitted_at": minute_cn(task.submitted_at), "decision": decision,
        "status": task.get_status_display(), "cancelled": task.status == TaskStatus.CANCELLED,
        "urgent": task.urgent, "urgent_reason": task.urgent_reason,
        "urgent_started_at": minute_cn(task.urgent_started_at) if task.urgent_started_at else "",
        # A provisional deadline is printed as such (issue 20): it may move when its year's calendar is loaded.
        "approval_deadline": (date_cn(task.approval_deadline) + ("(暂定,待载入该年工作日历后确定)"
                                                                if task.approval_deadline_provisional else ""))
        if task.approval_deadline else "",
    }


def notice_context(task: InspectionTask) -> dict:
    """What the 行政检查通知书 prints: basis and items, time, officers, frequency, the enterprise's rights
    (recusal, refusing an entry that did not scan) and the 五个严禁 / 八个不得.
    """
    return {
        **_task_common(task), "title": "行政检查通知书",
        "number": document_number(task.agency, "检通", task.year, task.pk),
        "notice": task.notice, "rights": texts.ENTERPRISE_RIGHTS, "duties": texts.ENTERPRISE_DUTIES,
        "five": texts.FIVE_PROHIBITIONS, "eight": texts.EIGHT_MUST_NOTS,
        "issued": date_cn(task.approved_at or task.urgent_started_at),
    }


def approval_form(*, actor, task_id: int) -> PdfDocument:
    """The 行政检查审批表 of a submitted task, as PDF."""
    task = scope.task_get_unscoped(scope.task_for_approval_form(actor=actor, task_id=task_id).pk)
    pdf = render("approval_form.html", approval_form_context(task))
    return PdfDocument(f"行政检查审批表-{task.enterprise.name}-{task.pk}.pdf", f"approval-form-{task.pk}.pdf", pdf)


def notice(*, actor, task_id: int) -> PdfDocument:
    """The 行政检查通知书 of a task that may be carried out, as PDF."""
    task = scope.task_for_notice(actor=actor, task_id=task_id)
    pdf = render("notice.html", notice_context(task))
    return PdfDocument(f"行政检查通知书-{task.enterprise.name}-{task.pk}.pdf", f"notice-{task.pk}.pdf", pdf)
