"""On-site record pages (现场检查笔录, R16, R17, R25, R26), phone first:

- ``record_edit``: the checklist — per entry four result buttons, a note and the evidence it rests on,
  each saved at once as an htmx partial (retried by ``record-autosave.js`` when the network drops) —
  and the header (place, recorder, findings, the enterprise's opinion or its refusal);
- ``record_sign``: officers sign on their own accounts; the enterprise representative draws a
  signature on the officer's phone (``signature-pad.js``) or the refusal to sign is recorded;
- ``record_close``: what is still missing (R16, R17), the reason box when audio/video is incomplete,
  and closing; for a non-inspection visit (R26), the summary of what was done.

Readers (the agency, county readers, the enterprise) see the same pages read-only.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from clearcheck.accounts.choices import Role
from clearcheck.core.api import get_or_404
from clearcheck.core.blobs import BlobCorrupted, blob_read
from clearcheck.core.errors import DomainError, NotFound
from clearcheck.core.middleware import enterprise_portal
from clearcheck.core.web import error_message, error_text, role_required

from ..choices import NON_INSPECTION_KINDS, EntryResult, RecordStatus, VisitStatus
from ..selectors import records as selectors
from ..services import records as services

INTERNAL_ROLES = (Role.BUREAU, Role.GOVERNMENT, Role.DISCIPLINE, Role.AGENCY_ADMIN, Role.AGENCY_HEAD,
                  Role.DEPARTMENT_HEAD, Role.OFFICER)
READER_ROLES = (*INTERNAL_ROLES, Role.ENTERPRISE)
RESULT_STYLE = {EntryResult.COMPLIANT: "ok", EntryResult.NON_COMPLIANT: "bad",
                EntryResult.NOT_APPLICABLE: "", EntryResult.NOT_CHECKED: "warn"}


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _record(request, visit_id: int):
    return get_or_404(selectors.record_get_for_actor, actor=request.user, visit_id=visit_id)


def _entry_context(record, entry, can_write: bool, evidence: list, error: str = "") -> dict:
    cited = {e.pk for e in entry.evidence.all()}
    return {"record": record, "entry": entry, "can_write": can_write, "results": EntryResult.choices,
            "result_style": RESULT_STYLE.get(entry.result, ""), "evidence": evidence, "cited": cited,
            "error": error}


def _outstanding(record) -> list:
    """R16/R17 refusals that still stand (shown on the pages; the service checks again when closing)."""
    if record.status != RecordStatus.DRAFTING:
        return []
    missing = services.record_missing(record)
    if (av := services.record_av_missing(record)) is not None:
        missing.append(av)
    return missing


POLL_SECONDS = 5


def _progress(record) -> dict:
    """"已填写 n / m 项": the entries with a result against all entries of the record."""
    entries = list(record.entries.all())
    return {"done": sum(1 for e in entries if e.result), "total": len(entries), "poll_seconds": POLL_SECONDS}


@never_cache
@require_GET
@role_required(Role.OFFICER)
def record_progress(request, visit_id: int):
    """The checklist's counter, polled by the record page (htmx) so that a teammate's entries show up."""
    record = _record(request, visit_id)
    return render(request, "inspections/records/_progress.html", {
        **_progress(record), "visit_id": record.visit_id, "poll": selectors.record_can_write(request.user, record),
    })


@enterprise_portal
@role_required(*READER_ROLES)
def record_edit(request, visit_id: int):
    """The checklist of the visit's record, with its header; writable for a confirmed officer while open."""
    record = _record(request, visit_id)
    can_write = selectors.record_can_write(request.user, record)
    evidence = selectors.record_evidence_choices(record.visit) if can_write else []
    entries = [_entry_context(record, e, can_write, evidence) for e in record.entries.all()]
    return render(request, "inspections/records/record_edit.html", {
        "record": record, "visit": record.visit, "entries": entries, "can_write": can_write,
        **_progress(record), "officers": selectors.record_visit_officers(record.visit),
        "tasks": list(record.visit.tasks.all()), "is_enterprise": request.user.role == Role.ENTERPRISE,
    })


@role_required(Role.OFFICER)
@require_POST
def record_entry_save(request, visit_id: int, entry_id: int):
    """Save one entry (htmx: answer the entry's card again; without htmx: back to the checklist)."""
    values: dict = {}
    if request.POST.get("result"):
        values["result"] = request.POST["result"]
    if "note" in request.POST:
        values["note"] = request.POST["note"]
    if request.POST.get("evidence_present"):
        values["evidence_ids"] = request.POST.getlist("evidence_ids")
    error = ""
    try:
        services.record_entry_set(actor=request.user, visit_id=visit_id, entry_id=entry_id, **values)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        if not _is_htmx(request):
            error_message(request, exc)
        error = error_text(exc)
    if not _is_htmx(request):
        if not error:
            messages.success(request, "已保存")
        return redirect(reverse("inspections:record_edit", args=[visit_id]) + f"#entry-{entry_id}")
    record = _record(request, visit_id)
    entry = next((e for e in record.entries.all() if e.pk == entry_id), None)
    if entry is None:
        raise Http404
    can_write = selectors.record_can_write(request.user, record)
    evidence = selectors.record_evidence_choices(record.visit) if can_write else []
    response = render(request, "inspections/records/_entry_saved.html",
                      {"e": _entry_context(record, entry, can_write, evidence, error), **_progress(record),
                       "visit_id": record.visit_id, "oob": True, "poll": can_write})
    if error:
        response["HX-Trigger"] = "record-save-refused"
    return response


def _header_values(post) -> dict:
    values = {name: post.get(name, "") for name in (
        "place", "findings_summary", "enterprise_representative", "representative_title", "enterprise_opinion")
        if name in post}
    if "recorder_id" in post:
        values["recorder_id"] = post.get("recorder_id") or None
    if post.get("opinion_present"):
        values["opinion_refused"] = post.get("opinion_refused") == "on"
    if post.get("steps_present"):
        values["credentials_shown"] = post.get("credentials_shown") == "on"
        values["rights_told"] = post.get("rights_told") == "on"
        values["recusal_answer"] = post.get("recusal_answer", "")
    return values


@role_required(Role.OFFICER)
@require_POST
def record_header_save(request, visit_id: int):
    """Save the header (htmx: answer the header card again; without htmx: back to the checklist)."""
    error = ""
    try:
        services.record_header_update(actor=request.user, visit_id=visit_id, **_header_values(request.POST))
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        if not _is_htmx(request):
            error_message(request, exc)
        error = error_text(exc)
    if not _is_htmx(request):
        if not error:
            messages.success(request, "笔录信息已保存")
        return redirect(reverse("inspections:record_edit", args=[visit_id]) + "#header")
    record = _record(request, visit_id)
    response = render(request, "inspections/records/_header.html", {
        "record": record, "can_write": selectors.record_can_write(request.user, record),
        "officers": selectors.record_visit_officers(record.visit), "error": error, "saved": not error,
    })
    if not error and not request.POST.get("save"):
        # An autosave on change: the form on the phone already shows these values (and perhaps more
        # typed since); answering without a swap keeps them.
        response["HX-Reswap"] = "none"
    return response


def _sign(request, visit_id: int) -> None:
    action = request.POST.get("action")
    if action == "officer":
        services.record_sign_officer(actor=request.user, visit_id=visit_id)
        messages.success(request, "已签名")
    elif action == "enterprise":
        services.record_sign_enterprise(actor=request.user, visit_id=visit_id,
                                        signer_name=request.POST.get("signer_name"),
                                        image_data_url=request.POST.get("image_data_url"))
        messages.success(request, "企业代表已签名")
    elif action == "enterprise_refused":
        services.record_sign_enterprise(actor=request.user, visit_id=visit_id,
                                        signer_name=request.POST.get("signer_name"), refused=True,
                                        refusal_note=request.POST.get("refusal_note"))
        messages.success(request, "已记录企业代表拒绝签名")
    else:
        raise Http404


@enterprise_portal
@role_required(*READER_ROLES)
def record_sign(request, visit_id: int):
    """The signatures: the record's content to read, each officer's sign button, the enterprise's pad."""
    record = _record(request, visit_id)
    if request.method == "POST":
        try:
            _sign(request, record.visit_id)
        except DomainError as exc:
            error_message(request, exc)
        return redirect("inspections:record_sign", visit_id=record.visit_id)
    state = selectors.record_signature_state(record)
    me = selectors.record_officer_for_actor(request.user, record.visit)
    can_write = selectors.record_can_write(request.user, record)
    return render(request, "inspections/records/record_sign.html", {
        "record": record, "visit": record.visit, "state": state, "can_write": can_write,
        "me_unsigned": can_write and me is not None and any(vo.officer_id == me.officer_id
                                                            for vo in state.officers_missing),
        "outstanding": [m for m in _outstanding(record) if m.field != "signatures"],
        "is_enterprise": request.user.role == Role.ENTERPRISE, "tasks": list(record.visit.tasks.all()),
    })


@enterprise_portal
@role_required(*READER_ROLES)
def record_signature_image(request, visit_id: int, signature_id: int):
    """The drawn signature's PNG, for readers of the record (checked against its SHA-256 when read)."""
    record = _record(request, visit_id)
    sig = next((s for s in record.signatures.all() if s.pk == signature_id and s.image_sha256), None)
    if sig is None:
        raise Http404
    try:
        data = blob_read(sig.image_sha256)
    except (BlobCorrupted, FileNotFoundError):
        raise Http404 from None
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(*INTERNAL_ROLES)
def record_close(request, visit_id: int):
    """Close the visit: what is still missing (R16, R17) and the close button; R26 visits: a summary."""
    visit = get_or_404(selectors.record_visit_get_for_actor, actor=request.user, visit_id=visit_id)
    if request.method == "POST":
        try:
            services.visit_close(actor=request.user, visit_id=visit.pk,
                                 av_missing_reason=request.POST.get("av_missing_reason") or None,
                                 summary=request.POST.get("summary"))
        except DomainError as exc:
            error_message(request, exc)
            return redirect("inspections:record_close", visit_id=visit.pk)
        messages.success(request, "检查已结束")
        if visit.kind in NON_INSPECTION_KINDS:
            return redirect("inspections:visit_detail", visit_id=visit.pk)
        return redirect("inspections:outcomes", visit_id=visit.pk)
    non_inspection = visit.kind in NON_INSPECTION_KINDS
    record = None if non_inspection else _record(request, visit.pk)
    can_close = (visit.status == VisitStatus.OPEN
                 and selectors.record_officer_for_actor(request.user, visit) is not None)
    outstanding = _outstanding(record) if record is not None else []
    return render(request, "inspections/records/record_close.html", {
        "visit": visit, "record": record, "non_inspection": non_inspection, "can_close": can_close,
        "missing": [m for m in outstanding if m.rule_id == "R16"],
        "av_missing": next((m for m in outstanding if m.rule_id == "R17"), None),
        "evidence_count": visit.evidence.count(), "tasks": list(visit.tasks.all()),
    })
