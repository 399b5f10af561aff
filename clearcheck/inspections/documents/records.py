"""The visit documents: 现场检查笔录 (the on-site record, R16) and 责令改正通知书 (an order to correct,
following the common format of the enforcement sectors).
"""

from django.conf import settings

from clearcheck.core import blobs
from clearcheck.planning.rules import CURRENT_EXEMPT
from clearcheck.registry.recusals import recusal_requested_during

from ..choices import AV_KINDS, DispositionKind, RecordStatus, SignerKind, VisitStatus
from ..models import Disposition, OnSiteRecord
from . import scope, texts
from .common import (
    BLANK,
    date_cn,
    document_number,
    local_year_bounds,
    local_year_of,
    minute_cn,
    officer_row,
    review_body,
)
from .render import PdfDocument, png_data_uri, render

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _signature_image(sha256: str) -> tuple[str | None, str]:
    """(data URI, problem) of a drawn signature; a missing, corrupted or non-PNG image is named, not drawn."""
    try:
        data = blobs.blob_read(sha256)
    except (blobs.BlobCorrupted, ValueError):
        return None, "签名图像校验失败(文件缺失或已被改动)"
    if not data.startswith(PNG_MAGIC):
        return None, "签名图像格式无法识别"
    return png_data_uri(data), ""


def _signature_row(signature) -> dict:
    image, problem = (None, "")
    if signature and signature.image_sha256 and not signature.refused:
        image, problem = _signature_image(signature.image_sha256)
    return {
        "signed": signature is not None, "name": signature.signer_name if signature else "",
        "refused": bool(signature and signature.refused),
        "refusal_note": signature.refusal_note if signature else "", "image": image, "problem": problem,
        "at": minute_cn(signature.signed_at) if signature else "",
    }


def _tasks(visit) -> list:
    return [vt.task for vt in visit.visit_tasks.select_related("task", "task__agency").order_by("task_id")]


def _items(tasks) -> list[dict]:
    seen: dict[int, dict] = {}
    for task in tasks:
        for item in sorted(task.items.all(), key=lambda i: i.code):
            seen.setdefault(item.pk, {"code": item.code, "name": item.name, "legal_basis": item.legal_basis,
                                      "agency": task.agency.name})
    return list(seen.values())


def _recusal_asked(record: OnSiteRecord, officer_ids: list[int], end) -> bool:
    """Whether the enterprise asked, during the visit, that one of its officers be recused (R13)."""
    visit = record.visit
    return recusal_requested_during(enterprise_id=visit.enterprise_id, officer_ids=officer_ids,
                                    start=visit.started_at, end=end)


def _evidence_rows(visit) -> list[dict]:
    """The visit's evidence (withdrawn uploads left out): what it proves, when and where it was captured —
    "未取得位置" where the phone gave no position (R18), never a stand-in address.
    """
    rows = []
    for e in visit.evidence.filter(withdrawn_at__isnull=True).order_by("captured_at", "id"):
        place = (f"{e.latitude}, {e.longitude}(WGS-84)" if e.latitude is not None and e.longitude is not None
                 else "未取得位置")
        rows.append({"id": e.pk, "kind": e.get_kind_display(), "proves": e.proves, "at": minute_cn(e.captured_at),
                     "place": place, "by": e.captured_by_name})
    return rows


def record_context(record: OnSiteRecord) -> dict:
    """What the 现场检查笔录 prints: unit, address, legal representative, place, start and end to the
    minute, officers with credential numbers, recorder, each checklist entry and its result, findings,
    the enterprise's opinion (or its refusal), and the signatures or refusals to sign.
    """
    visit = record.visit
    enterprise = visit.enterprise
    tasks = _tasks(visit)
    team = list(visit.visit_officers.select_related("officer", "officer__agency")
                .filter(confirmed_at__isnull=False).order_by("-initiator", "id"))
    officers = [officer_row(vo.officer, vo.credential_no) for vo in team]
    signatures = list(record.signatures.select_related("officer").order_by("signed_at", "id"))
    by_officer = {s.officer_id: s for s in signatures if s.signer_kind == SignerKind.OFFICER}
    enterprise_signature = next((s for s in signatures if s.signer_kind == SignerKind.ENTERPRISE), None)
    officer_signatures = [{**officer_row(vo.officer, vo.credential_no), **_signature_row(by_officer.get(vo.officer_id)),
                           "name": vo.officer.name} for vo in team]
    start = visit.opened_at or visit.started_at
    end = record.closed_at or visit.closed_at
    entries = [{"order": e.order, "item": e.item.name, "content": e.content, "standard": e.standard_text,
                "result": e.get_result_display() if e.result else "未填写", "result_code": e.result, "note": e.note}
               for e in record.entries.select_related("item").order_by("order", "id")]
    findings = [{"description": f.description, "legal_basis": f.legal_basis,
                 "entries": [e.order for e in f.entries.all()]}
                for f in record.findings.prefetch_related("entries").order_by("id")]
    recorder = officer_row(record.recorder) if record.recorder_id else None
    if visit.entry_method == "code":
        entry = f"扫描企业码(第 {visit.code_version} 版)" if visit.code_version else "扫描企业码"
    else:
        entry = "定位打卡" + (f"(距登记位置 {visit.distance_m} 米)" if visit.distance_m is not None else "")
    av_count = visit.evidence.filter(kind__in=AV_KINDS, withdrawn_at__isnull=True).count()
    agencies = list(dict.fromkeys([visit.agency.name, *(t.agency.name for t in tasks)]))
    lines = record.limit_lines
    return {
        "title": "现场检查笔录", "record": record, "visit": visit, "enterprise": enterprise,
        "agencies": agencies, "agency": visit.agency, "draft": record.status != RecordStatus.CLOSED,
        "place": record.place or enterprise.address or BLANK,
        "start": minute_cn(start), "end": minute_cn(end) if end else "",
        "in_progress": visit.status == VisitStatus.OPEN and end is None,
        "officers": officers, "recorder": recorder, "items": _items(tasks),
        "sources": list(dict.fromkeys(t.get_source_display() for t in tasks)),
        "types": list(dict.fromkeys(t.get_inspection_type_display() for t in tasks)),
        "urgent": visit.urgent, "urgent_reason": visit.urgent_reason, "entry": entry,
        "single_officer_basis": visit.single_officer_basis,
        "frequency_count": record.frequency_count, "frequency_cap": record.frequency_cap,
        "frequency_lines": lines, "frequency_several_agencies": record.limits_several_agencies,
        "frequency_exempt_source": "、".join(dict.fromkeys(t.get_source_display() for t in tasks))
        if lines and all(line.current == CURRENT_EXEMPT for line in lines) else "",
        "recusal_asked": _recusal_asked(record, [vo.officer_id for vo in team], end),
        "credentials_shown": record.credentials_shown, "rights_told": record.rights_told,
        "recusal_answer": record.get_recusal_answer_display() if record.recusal_answer else "",
        "evidence": _evidence_rows(visit),
        "entries": entries, "findings": findings, "findings_summary": record.findings_summary,
        "representative": record.enterprise_representative, "representative_title": record.representative_title,
        "opinion": record.enterprise_opinion, "opinion_refused": record.opinion_refused,
        "av_required": record.av_required, "av_missing_reason": record.av_missing_reason, "av_count": av_count,
        "officer_signatures": officer_signatures, "enterprise_signature": _signature_row(enterprise_signature),
    }


def _serial(disposition: Disposition, year: int) -> int:
    """The order's number within its agency and year: its rank among the agency's orders to correct
    created that year (ids only grow, so earlier numbers never change).
    """
    start, end = local_year_bounds(year)
    return Disposition.objects.filter(
        finding__agency_id=disposition.finding.agency_id, kind__in=scope.CORRECTION_KINDS,
        created_at__gte=start, created_at__lt=end, pk__lte=disposition.pk,
    ).count()


def correction_order_context(disposition: Disposition) -> dict:
    """What the 责令改正通知书 prints: enterprise, findings and the violated provisions, what to correct,
    the deadline, the re-check, the rights to statement and defence, review and litigation, the seal line
    and date, and a document number like 东市监责改〔2026〕3号.
    """
    finding = disposition.finding
    record = finding.record
    visit = record.visit
    agency = finding.agency
    year = local_year_of(disposition.created_at)
    entries = [{"order": e.order, "item": e.item.name, "content": e.content, "note": e.note,
                "legal_basis": e.item.legal_basis}
               for e in finding.entries.select_related("item").order_by("order", "id")]
    by_deadline = disposition.kind == DispositionKind.CORRECT_BY_DEADLINE
    recheck = disposition.recheck_task
    if recheck is not None:
        # The re-check window opens at once (a correction reported early is checked early).
        recheck_text = (f"你单位改正后应及时将改正情况报告本机关;本机关将于{date_cn(recheck.window_end)}前"
                        "对你单位的改正情况进行复查。")
    elif by_deadline:
        recheck_text = "本机关将在改正期限届满后对你单位的改正情况进行复查。"
    else:
        recheck_text = "请你单位立即改正,并将改正情况及时报告本机关;本机关将对改正情况进行核查。"
    return {
        "title": "责令改正通知书", "agency": agency, "enterprise": visit.enterprise, "visit": visit,
        "number": document_number(agency, "责改", year, _serial(disposition, year)),
        "inspected_on": date_cn(visit.opened_at or visit.started_at), "finding": finding, "entries": entries,
        "violated": finding.legal_basis, "requirements": disposition.note, "by_deadline": by_deadline,
        "deadline": date_cn(disposition.deadline) if disposition.deadline else BLANK,
        "basis": getattr(settings, "CLEARCHECK_DOCUMENT_CORRECTION_BASIS", "") or texts.CORRECTION_BASIS_DEFAULT,
        "recheck": recheck_text, "review_body": review_body(agency),
        "statement_days": getattr(settings, "CLEARCHECK_DOCUMENT_STATEMENT_DAYS", 3),
        "issued": date_cn(disposition.created_at), "disposition": disposition,
    }


def record(*, actor, visit_id: int) -> PdfDocument:
    """The 现场检查笔录 of an inspection visit, as PDF."""
    onsite = scope.record_for_actor(actor=actor, visit_id=visit_id)
    pdf = render("record.html", record_context(onsite))
    name = onsite.visit.enterprise.name
    return PdfDocument(f"现场检查笔录-{name}-{visit_id}.pdf", f"onsite-record-{visit_id}.pdf", pdf)


def correction_order(*, actor, disposition_id: int) -> PdfDocument:
    """The 责令改正通知书 of an order to correct, as PDF."""
    disposition = scope.disposition_for_actor(actor=actor, disposition_id=disposition_id)
    context = correction_order_context(disposition)
    pdf = render("correction_order.html", context)
    return PdfDocument(f"责令改正通知书-{context['number']}.pdf", f"correction-order-{disposition_id}.pdf", pdf)


__all__ = ["correction_order", "correction_order_context", "record", "record_context"]
