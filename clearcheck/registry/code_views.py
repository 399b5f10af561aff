"""Pages of the enterprise code (一企一码, R11) and the e-credential (电子执法证, R15): the code page of
the enterprise file with its QR downloads and poster, the keys that verify codes offline, the officer's
rotating credential QR and the enterprise-facing verify page. The landing page a scan opens is served by
check-in (``inspections.views.visits.code_landing``), around this app's public card of the enterprise.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_has_role
from clearcheck.core.api import get_or_404
from clearcheck.core.crypto import b64url
from clearcheck.core.errors import DomainError
from clearcheck.core.middleware import enterprise_portal
from clearcheck.core.web import error_message, role_required

from . import codes, credentials, selectors
from .views import INTERNAL

RIGHTS_NOTICE = "未扫码入企的,企业有权拒绝"


def _enterprise(request, enterprise_id: int):
    return get_or_404(selectors.enterprise_get_for_actor, actor=request.user, enterprise_id=enterprise_id)


def _may_manage_codes(user) -> bool:
    return actor_has_role(user, Role.BUREAU, Role.AGENCY_ADMIN)


@enterprise_portal
@role_required(*INTERNAL, Role.ENTERPRISE)
def enterprise_code(request, enterprise_id: int):
    """The code of an enterprise: the current QR, every version, and issue/revoke for bureau and agency admin."""
    enterprise = _enterprise(request, enterprise_id)
    can_manage = _may_manage_codes(request.user)
    if request.method == "POST" and can_manage:
        action = request.POST.get("action", "")
        reason = request.POST.get("reason", "")
        try:
            if action == "issue":
                code = codes.enterprise_code_issue(actor=request.user, enterprise_id=enterprise.pk, reason=reason)
                messages.success(request, f"已签发企业码第{code.version}版")
            elif action == "revoke":
                version = request.POST.get("version", "")
                codes.enterprise_code_revoke(actor=request.user, enterprise_id=enterprise.pk,
                                             version=int(version) if version.isdigit() else 0, reason=reason)
                messages.success(request, f"已作废企业码第{version}版")
        except DomainError as exc:
            error_message(request, exc)
        return redirect("registry:enterprise_code", enterprise_id=enterprise.pk)
    current = codes.enterprise_code_current(enterprise=enterprise)
    url = codes.enterprise_code_url(codes.enterprise_code_token(current)) if current else ""
    return render(request, "registry/codes/enterprise_code.html", {
        "enterprise": enterprise, "current": current, "url": url,
        "qr_svg": codes.qr_svg_inline(url, scale=5) if url else "",
        "versions": codes.enterprise_code_versions(enterprise=enterprise), "can_manage": can_manage,
    })


def _version(request, enterprise_id: int, version: int):
    enterprise = _enterprise(request, enterprise_id)
    code = get_or_404(codes.enterprise_code_get, enterprise=enterprise, version=version)
    return enterprise, code, codes.enterprise_code_url(codes.enterprise_code_token(code))


def _download_name(enterprise, code, ext: str) -> str:
    return f'attachment; filename="enterprise-code-{enterprise.uscc}-v{code.version}.{ext}"'


@enterprise_portal
@require_GET
@role_required(*INTERNAL, Role.ENTERPRISE)
def enterprise_code_png(request, enterprise_id: int, version: int):
    """The QR of one code version as PNG."""
    enterprise, code, url = _version(request, enterprise_id, version)
    response = HttpResponse(codes.qr_png(url), content_type="image/png")
    response["Content-Disposition"] = _download_name(enterprise, code, "png")
    return response


@enterprise_portal
@require_GET
@role_required(*INTERNAL, Role.ENTERPRISE)
def enterprise_code_svg(request, enterprise_id: int, version: int):
    """The QR of one code version as SVG."""
    enterprise, code, url = _version(request, enterprise_id, version)
    response = HttpResponse(codes.qr_svg(url), content_type="image/svg+xml")
    response["Content-Disposition"] = _download_name(enterprise, code, "svg")
    return response


@enterprise_portal
@require_GET
@role_required(*INTERNAL, Role.ENTERPRISE)
def enterprise_code_poster(request, enterprise_id: int, version: int):
    """A printable A5 poster of one code version (涉企行政检查 扫码入企)."""
    enterprise, code, url = _version(request, enterprise_id, version)
    return render(request, "registry/codes/poster.html", {
        "enterprise": enterprise, "code": code, "url": url, "qr_svg": codes.qr_svg_inline(url, scale=7),
        "rights_notice": RIGHTS_NOTICE,
    })


# --- Public: the keys (the landing page a scan opens is check-in's: inspections.views.visits) -----------


@require_GET
def code_keys_json(request):
    """Public keys that verify enterprise codes and e-credentials (kid → PEM and raw), for offline checks; a
    key retired by `clearcheck keys rotate` with the period in which it signed (issue 20).
    """
    keys = [
        {"key_id": key.key_id, "suite": key.suite, "public_key_pem": key.pem,
         "public_key_raw_b64url": b64url(key.raw), "current": key.current,
         "valid_from": key.valid_from.isoformat() if key.valid_from else None,
         "retired_at": key.retired_at.isoformat() if key.retired_at else None}
        for key in codes.code_public_keys().values()
    ]
    return JsonResponse({"format": codes.TOKEN_FORMAT, "keys": keys})


# --- E-credential ---------------------------------------------------------------------------------------


def _own_officer(request):
    officer = getattr(request.user, "officer", None)
    if officer is None:
        raise Http404("没有执法人员档案")
    return officer


def _credential_context(officer) -> dict:
    token = credentials.credential_token_issue(officer)
    url = credentials.credential_url(token)
    return {"officer": officer, "token": token, "url": url, "qr_svg": codes.qr_svg_inline(url, scale=5),
            "check": credentials.credential_token_check(token),
            "refresh_seconds": settings.CLEARCHECK.get("CREDENTIAL_REFRESH_SECONDS", 30),
            "window_seconds": credentials.credential_window_seconds()}


@never_cache
@require_GET
@role_required(Role.OFFICER)
def my_credential(request):
    """The officer's own e-credential: a QR that rotates every 30 s (each token lives ≤ 60 s, R15)."""
    return render(request, "registry/codes/my_credential.html", _credential_context(_own_officer(request)))


@never_cache
@require_GET
@role_required(Role.OFFICER)
def my_credential_qr(request):
    """The rotating QR fragment the credential page polls (htmx)."""
    return render(request, "registry/codes/credential_qr.html", _credential_context(_own_officer(request)))
