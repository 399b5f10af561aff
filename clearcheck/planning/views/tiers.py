"""Tier pages (/work/planning/tiers/): the agency's scheme, and grading an enterprise by hand or by score."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render

from clearcheck.accounts.choices import AGENCY_ROLES, COUNTY_ROLES
from clearcheck.core.errors import DomainError, FieldError, NotFound, ValidationFailed
from clearcheck.core.web import error_message, role_required
from clearcheck.registry.models import Agency, Enterprise

from ..selectors import tiers as selectors
from ..selectors.people import people_labelled
from ..services import tiers as services
from .labels import TIER_LABELS

READERS = tuple(AGENCY_ROLES | COUNTY_ROLES)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@role_required(*READERS)
def tier_scheme(request):
    """The agency's tiers with caps and sampling ratios; its admin and head may change them."""
    agency_id = _int(request.GET.get("agency"))
    try:
        agency, tiers = selectors.tier_scheme_for_actor(actor=request.user, agency_id=agency_id)
    except NotFound:
        if request.user.role in COUNTY_ROLES:
            return render(request, "planning/tiers/scheme.html", {
                "agency": None, "agencies": Agency.objects.filter(listed=True).order_by("code")})
        raise Http404 from None
    can_manage = request.user.role in services.MANAGER_ROLES and request.user.agency_id == agency.pk
    rows = [{"code": t.code, "name": t.name, "annual_cap": t.annual_cap, "sampling_ratio": t.sampling_ratio}
            for t in tiers]
    if request.method == "POST" and can_manage:
        post = request.POST
        rows = [{"code": c, "name": n, "annual_cap": a, "sampling_ratio": r}
                for c, n, a, r in zip(post.getlist("code"), post.getlist("name"), post.getlist("annual_cap"),
                                      post.getlist("sampling_ratio"), strict=False) if c.strip() or n.strip()]
        try:
            services.tier_scheme_update(actor=request.user, agency=agency, tiers=rows)
            messages.success(request, "已保存分级方案")
            return redirect("planning:tier_scheme")
        except DomainError as exc:
            error_message(request, exc, TIER_LABELS)
    return render(request, "planning/tiers/scheme.html", {
        "agency": agency, "tiers": tiers, "rows": [*rows, {}] if can_manage else rows, "can_manage": can_manage,
        "agencies": Agency.objects.filter(listed=True).order_by("code") if request.user.role in COUNTY_ROLES else [],
    })


@role_required(*READERS)
def enterprise_tier_assign(request):
    """Grade an enterprise in the agency's field: a tier with a reason, or the scoring function."""
    agency_id = request.user.agency_id if request.user.role in AGENCY_ROLES else None
    can_manage = request.user.role in services.MANAGER_ROLES and agency_id is not None
    q = (request.GET.get("q") or "").replace("\x00", "").strip()
    found = list(Enterprise.objects.filter(Q(name__icontains=q) | Q(uscc__startswith=q.upper()))
                 .order_by("name")[:20]) if q else []
    tiers = selectors.tier_scheme(agency_id) if agency_id else []
    if request.method == "POST" and can_manage:
        post = request.POST
        enterprise = _int(post.get("enterprise"))
        if enterprise is None and post.get("uscc", "").strip():
            enterprise = Enterprise.objects.filter(uscc=post["uscc"].strip().upper()).values_list(
                "pk", flat=True).first()
        try:
            if enterprise is None:
                raise ValidationFailed(FieldError("enterprise", "请填写统一社会信用代码或搜索选择企业"))
            if post.get("mode") == "score":
                row = services.enterprise_tier_score(
                    actor=request.user, agency=agency_id, enterprise=enterprise,
                    violations=_int(post.get("violations")) if post.get("violations") else 0,
                    complaints=_int(post.get("complaints")) if post.get("complaints") else 0,
                    reason=post.get("reason", ""))
            else:
                row = services.enterprise_tier_assign(actor=request.user, agency=agency_id, enterprise=enterprise,
                                                      tier_code=post.get("tier_code", ""),
                                                      reason=post.get("reason", ""))
            messages.success(request, f"{row.enterprise.name}:评定为 {row.tier.code} {row.tier.name}")
            return redirect("planning:enterprise_tier_assign")
        except DomainError as exc:
            error_message(request, exc, TIER_LABELS)
    page = Paginator(selectors.tier_history(actor=request.user), 30).get_page(request.GET.get("page"))
    page.object_list = people_labelled(page.object_list, "assigned_by")  # names looked up once for the page
    return render(request, "planning/tiers/assign.html", {
        "tiers": tiers, "can_manage": can_manage, "found": found, "q": q,
        "page": page,
    })
