"""Evidence pages (R18): the evidence of a visit with the phone upload form (chunked and resumable with
``static/clearcheck/js/evidence-upload.js``; a plain form post without script), and the verified file.
"""

import base64
import json

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from clearcheck.accounts.choices import Role
from clearcheck.core import clock
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.middleware import enterprise_portal
from clearcheck.core.web import error_message, role_required

from .. import evidence_types as types
from ..choices import AV_KINDS, EvidenceKind, EvidenceOrigin
from ..models import Evidence, Visit
from ..selectors import evidence as selectors
from ..services import evidence as services
from ..services.evidence_withdrawal import evidence_withdraw as evidence_withdraw_service

# Files up to this size are checked whole before the first byte is sent (a clean error page when
# corrupted); larger ones are checked as they stream (``blobs.blob_stream``).
DEFAULT_VERIFY_FIRST_MAX_BYTES = 64 * types.MIB
# Shown inline by a phone's browser; anything else downloads.
INLINE_PREFIXES = ("image/", "audio/", "video/", "application/pdf")


def verify_first_max_bytes() -> int:
    """``CLEARCHECK_EVIDENCE_VERIFY_FIRST_MAX_BYTES``: up to this size a file is checked before it is sent."""
    return int(getattr(settings, "CLEARCHECK_EVIDENCE_VERIFY_FIRST_MAX_BYTES", DEFAULT_VERIFY_FIRST_MAX_BYTES))


def _file_name(record: Evidence) -> str:
    if record.original_name:
        return record.original_name
    extension = record.content_type.rsplit("/", 1)[-1].split(".")[-1].split("+")[0]
    return f"evidence-{record.pk}.{extension}"


def evidence_file_response(request, record: Evidence):
    """The verified bytes of ``record`` with its content type (raises ``EvidenceCorrupted``, R18, when the
    stored file no longer matches its SHA-256 and so is not served).
    """
    inline = record.content_type.startswith(INLINE_PREFIXES)
    if record.size <= verify_first_max_bytes():
        path = services.evidence_file_checked(actor=request.user, evidence=record)
        response = FileResponse(open(path, "rb"), content_type=record.content_type,  # noqa: SIM115 (FileResponse closes it)
                                as_attachment=not inline, filename=_file_name(record))
    else:
        response = StreamingHttpResponse(services.evidence_file_stream(actor=request.user, evidence=record),
                                         content_type=record.content_type)
        response["Content-Length"] = str(record.size)
        response["Content-Disposition"] = content_disposition_header(not inline, _file_name(record))
    # The bytes never change (content-addressed), but access does: keep them out of shared caches.
    response["Cache-Control"] = "private, max-age=3600"
    response["ETag"] = f'"{record.sha256}"'
    response["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(record.sha256)).decode()}:"  # RFC 9530
    if record.content_type != "application/pdf":  # a sandboxed page would stop the browser's PDF viewer
        response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"
    return response


def _add_from_form(request, visit: Visit):
    data = request.POST
    kind = data.get("kind", "")
    record = services.evidence_add(
        actor=request.user, visit_id=visit.pk, kind=kind, content=request.FILES.get("file"),
        proves=data.get("proves", ""), captured_at=data.get("captured_at") or None,
        latitude=data.get("latitude") or None, longitude=data.get("longitude") or None,
        datum=data.get("datum") or "wgs84", no_position=data.get("no_position") == "1",
        captured_by=data.get("captured_by") or request.user.officer_id,
        origin=data.get("origin") or EvidenceOrigin.CAPTURED,
        covers_from=(data.get("covers_from") or None) if kind in AV_KINDS else None,
        covers_to=(data.get("covers_to") or None) if kind in AV_KINDS else None,
        original_name=getattr(request.FILES.get("file"), "name", ""),
    )
    messages.success(request, f"证据 #{record.pk} 已登记,SHA-256:{record.sha256}")
    return record


def _hub_url(request, visit: Visit) -> str:
    if request.user.role == Role.ENTERPRISE:
        return reverse("inspections:enterprise_visit_detail", args=[visit.pk])  # redirects to the portal
    return reverse("inspections:visit_detail", args=[visit.pk])


@role_required(Role.OFFICER)
@require_POST
def evidence_withdraw(request, evidence_id: int):
    """Withdraw a mistaken upload, with a reason (R18); the file stays, marked."""
    try:
        record = evidence_withdraw_service(actor=request.user, evidence_id=evidence_id,
                                           reason=request.POST.get("reason", ""))
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.detail) from exc
        error_message(request, exc)
        record = get_or_404(selectors.evidence_get_for_actor, actor=request.user, evidence_id=evidence_id)
    else:
        messages.success(request, f"证据 #{record.pk} 已撤回")
    return redirect(f"{reverse('inspections:evidence_list', args=[record.visit_id])}#evidence-{record.pk}")


@enterprise_portal
@role_required(*selectors.READER_ROLES)
def evidence_list(request, visit_id: int):
    """The evidence of a visit; its confirmed officers upload here while it is open (R18)."""
    visit = get_or_404(selectors.evidence_visit_get_for_actor, actor=request.user, visit_id=visit_id)
    can_upload = selectors.evidence_can_upload(request.user, visit)
    if request.method == "POST":
        try:
            record = _add_from_form(request, visit)
        except DomainError as exc:
            error_message(request, exc)
            return redirect("inspections:evidence_list", visit_id=visit.pk)
        return redirect(f"{reverse('inspections:evidence_list', args=[visit.pk])}#evidence-{record.pk}")
    qs = Evidence.objects.filter(visit=visit).select_related("captured_by").order_by("-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = [(e, selectors.evidence_file_allowed(request.user, e), types.size_text(e.size)) for e in page]
    context = {"visit": visit, "page": page, "rows": rows, "can_upload": can_upload, "hub_url": _hub_url(request, visit)}
    if can_upload:
        kinds = list(EvidenceKind)
        context.update({
            "kinds": EvidenceKind.choices, "origins": EvidenceOrigin.choices,
            "officers": selectors.visit_confirmed_officers(visit), "me": request.user.officer_id,
            "now_local": clock.local_now().strftime("%Y-%m-%dT%H:%M:%S"),
            "accept_all": ",".join(dict.fromkeys(",".join(types.ACCEPT[k] for k in kinds).split(","))),
            "config": json.dumps({
                "createUrl": f"/api/visits/{visit.pk}/evidence-uploads",
                "chunkBytes": types.chunk_bytes(),
                "maxBytes": {k.value: types.max_bytes(k) for k in kinds},
                "maxText": {k.value: types.size_text(types.max_bytes(k)) for k in kinds},
                "accept": {k.value: types.ACCEPT[k] for k in kinds},
                "av": [k.value for k in AV_KINDS],
            }),
            "open_uploads": selectors.evidence_uploads_open_for_actor(actor=request.user, visit=visit).count(),
        })
    return render(request, "inspections/evidence/list.html", context)


@role_required(*selectors.READER_ROLES)
def evidence_file(request, evidence_id: int):
    """The verified bytes of one piece of evidence, with its content type; a corrupted file is refused (R18)."""
    record = get_or_404(selectors.evidence_file_get_for_actor, actor=request.user, evidence_id=evidence_id)
    try:
        return evidence_file_response(request, record)
    except services.EvidenceCorrupted as exc:
        return render(request, "inspections/evidence/file_error.html", {"record": record, "detail": exc.detail},
                      status=exc.status)
