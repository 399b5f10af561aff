"""Pool pages (/work/sampling/pools/): the agency's 检查对象库 and 执法人员库, their current size and what
changed since the last draw. Views parse, call a selector or service, and render.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clearcheck.core import clock
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.web import error_message, role_required
from clearcheck.planning.selectors.tiers import tier_scheme
from clearcheck.registry.choices import EntityType
from clearcheck.registry.models import Industry, Region
from clearcheck.registry.rules import officer_is_qualified
from clearcheck.registry.selectors import officer_list_for_actor

from .. import selectors, services
from ..forms import pool_values
from .common import MANAGERS, READERS, manages, page_of


def _filters_shown(pool) -> dict:
    """The pool's filters with names for the codes (regions, industries, entity types)."""
    filters = pool.filters or {}
    entity_labels = dict(EntityType.choices)
    return {
        "regions": list(Region.objects.filter(code__in=filters.get("regions", [])).order_by("code")),
        "industries": list(Industry.objects.filter(code__in=filters.get("industries", [])).order_by("code")),
        "entity_types": [entity_labels.get(code, code) for code in filters.get("entity_types", [])],
        "tiers": filters.get("tiers", []),
        "exclude_special_sectors": bool(filters.get("exclude_special_sectors")),
    }


def _form_context(request, agency_id: int, form: dict) -> dict:
    return {
        "form": form, "entity_types": EntityType.choices, "tiers": tier_scheme(agency_id),
        "officers": list(officer_list_for_actor(actor=request.user, agency=agency_id).order_by("credential_no")),
        "today": clock.local_today(),
    }


def _blank_form() -> dict:
    return {"name": "", "filters": {"regions": "", "industries": "", "entity_types": [], "tiers": [],
                                    "exclude_special_sectors": False},
            "officer_ids": [], "note": "", "active": True}


def _form_of(pool) -> dict:
    filters = pool.filters or {}
    return {"name": pool.name, "note": pool.note, "active": pool.active,
            "officer_ids": [str(pk) for pk in pool.officers.values_list("pk", flat=True)],
            "filters": {"regions": ",".join(filters.get("regions", [])),
                        "industries": ",".join(filters.get("industries", [])),
                        "entity_types": filters.get("entity_types", []), "tiers": filters.get("tiers", []),
                        "exclude_special_sectors": bool(filters.get("exclude_special_sectors"))}}


@role_required(*READERS)
def pool_list(request):
    """Pools of the actor's agency (every agency's for the county roles)."""
    qs = selectors.pools_for_actor(actor=request.user)
    return render(request, "sampling/pool_list.html", {
        "page": page_of(request, qs), "can_create": request.user.role in MANAGERS and request.user.agency_id,
    })


@role_required(*MANAGERS)
def pool_create(request):
    """Define a pool of the actor's agency: filters over the registries and, optionally, a list of officers."""
    form = _blank_form()
    if request.method == "POST":
        form = pool_values(request.POST)
        try:
            pool = services.pool_create(actor=request.user, name=form["name"], filters=form["filters"],
                                        officer_ids=form["officer_ids"], note=form["note"])
            messages.success(request, _("已建立检查对象库“%(name)s”") % {"name": pool.name})
            return redirect("sampling:pool_detail", pool_id=pool.pk)
        except DomainError as exc:
            error_message(request, exc)
    return render(request, "sampling/pool_form.html", {**_form_context(request, request.user.agency_id, form),
                                                       "pool": None})


@role_required(*MANAGERS)
def pool_edit(request, pool_id: int):
    """Change a pool (draws already committed keep their frozen frames)."""
    pool = get_or_404(selectors.pool_get, actor=request.user, pool_id=pool_id)
    form = _form_of(pool)
    if request.method == "POST":
        form = pool_values(request.POST)
        try:
            services.pool_update(actor=request.user, pool_id=pool.pk, data=form)
            messages.success(request, _("已保存检查对象库"))
            return redirect("sampling:pool_detail", pool_id=pool.pk)
        except DomainError as exc:
            error_message(request, exc)
    return render(request, "sampling/pool_form.html", {**_form_context(request, pool.agency_id, form),
                                                       "pool": pool})


@role_required(*READERS)
def pool_detail(request, pool_id: int):
    """A pool's definition, its current size (enterprises below every cap, qualified officers) and what
    changed since its last draw.
    """
    pool = get_or_404(selectors.pool_get, actor=request.user, pool_id=pool_id)
    today, year = clock.local_today(), clock.local_year()
    officers = pool.officers.order_by("credential_no") if pool.officers.exists() else None
    changes = selectors.pool_changes(pool, year=year)
    qualified = selectors.pool_officers(pool, window_start=today, window_end=today)
    return render(request, "sampling/pool_detail.html", {
        "pool": pool, "filters": _filters_shown(pool), "year": year,
        "enterprise_count": selectors.pool_enterprises([pool], year=year).count(),
        "qualified": qualified, "listed_officers": officers,
        "unqualified": [o for o in officers or [] if not officer_is_qualified(o, on=today)],
        "changes": changes, "changes_by_enterprise": bool(changes) and "enterprises_added_count" in changes,
        "draws": selectors.draws_for_actor(actor=request.user).filter(pools=pool).order_by("-created_at", "-id")[:10],
        "can_manage": manages(request.user, pool.agency_id),
    })
