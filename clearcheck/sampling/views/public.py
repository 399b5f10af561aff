"""Public pages of draws (/public/draws/, no login, served to the internet): 双随机抽查公示.

From commit on anyone sees the parameters, the frame hash, the commitment and which public value will
be mixed in; after reveal also the secret, the seed, the selection and the tasks' progress, the
published JSON and the standalone verifier, and a button that re-computes the draw on the platform.
Drafts and cancelled draws are 404. No individual business is named or identified (ADR 0017): the page shows
its mask and, in a ``clearcheck-draw/2`` draw, its pseudonym.
"""

import json
from pathlib import Path

from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clearcheck.core import blobs
from clearcheck.core.api import get_or_404
from clearcheck.planning.choices import TaskStatus
from clearcheck.planning.models import InspectionTask

from .. import algorithm, selectors
from ..choices import DrawStatus
from ..documents import draw_document, masked_usccs
from .common import page_of

VERIFIER_NAME = "clearcheck_draw_verify.py"


def _summary(draw) -> dict:
    """What the list shows of a draw's frozen parameters."""
    parameters = draw.parameters or {}
    sample = parameters.get("sample", {})
    values = sample.get("counts") or sample.get("ratios") or {}
    return {
        "agencies": len(parameters.get("agencies", [])),
        "items": sum(len(codes) for codes in parameters.get("items", {}).values()),
        "mode": sample.get("mode", ""),
        "sample": "、".join(f"{k} {v}" for k, v in sorted(values.items())),
    }


@require_GET
def draw_list(request):
    """Draws from commit on, newest first: parameters in brief, commitment, status."""
    q = (request.GET.get("q") or "").replace("\x00", "").strip()
    qs = selectors.draws_public()
    if q:
        qs = qs.filter(title__icontains=q)
    page = page_of(request, qs.order_by("-committed_at", "-id"), 20)
    return render(request, "sampling/public/draw_list.html", {
        "page": page, "rows": [(draw, _summary(draw)) for draw in page], "q": q,
    })


def _detail_context(request, draw) -> dict:
    revealed = draw.status == DrawStatus.REVEALED
    context = {"draw": draw, "revealed": revealed, "summary": _summary(draw),
               "verifier_name": VERIFIER_NAME,
               "picks": None, "pick_rows": [], "redacted_count": 0, "task_counts": [],
               "agencies": [p.agency for p in draw.pools.select_related("agency").order_by("agency__code")],
               "items": draw.items.select_related("agency").order_by("agency__code", "code")}
    if revealed:
        tasks = InspectionTask.objects.select_related("agency").order_by("agency__code")
        picks = page_of(request, draw.picks.select_related("enterprise", "team")
                        .prefetch_related(Prefetch("tasks", queryset=tasks)), 50)
        # Plain rows: the template never sees an enterprise, so it cannot print an individual business's name.
        context["picks"] = picks
        context["pick_rows"] = [{"position": p.position, "stratum": p.stratum, "team": p.team.number,
                                 "tasks": list(p.tasks.all()), **selectors.pick_public(p, draw)} for p in picks]
        enterprises = algorithm.frame_parse(blobs.blob_read(draw.frame_sha256))[0]
        context["redacted_count"] = len(masked_usccs(draw, [e for _, e in enterprises]))
        labels = dict(TaskStatus.choices)
        context["task_counts"] = [
            (labels.get(row["tasks__status"], row["tasks__status"]), row["n"]) for row in
            draw.picks.filter(tasks__isnull=False).values("tasks__status").annotate(n=Count("tasks"))
            .order_by("tasks__status")]
    return context


@require_GET
def draw_detail(request, draw_id: int):
    """One public draw: what is published at its stage, downloads and how to verify."""
    draw = get_or_404(selectors.draw_public_get, draw_id=draw_id)
    return render(request, "sampling/public/draw_detail.html", _detail_context(request, draw))


@require_GET
def draw_verify(request, draw_id: int):
    """平台重算校验: re-compute the published document with the standalone algorithm, on the server."""
    draw = get_or_404(selectors.draw_public_get, draw_id=draw_id)
    context = _detail_context(request, draw)
    if draw.status == DrawStatus.REVEALED:
        context["verdict"] = selectors.draw_verification(draw)
    else:
        context["verdict"] = {"pending": True}
    return render(request, "sampling/public/draw_detail.html", context)


@require_GET
def draw_document_download(request, draw_id: int):
    """The published JSON (``draw-<id>.json``): what the verifier reads."""
    draw = get_or_404(selectors.draw_public_get, draw_id=draw_id)
    body = json.dumps(draw_document(draw), ensure_ascii=False, indent=1, sort_keys=True)  # public: ADR 0017
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}.json"'
    return response


@require_GET
def verifier_download(request):
    """The standalone verifier: the platform's own algorithm file, which needs only Python's standard library."""
    response = HttpResponse(Path(algorithm.__file__).read_bytes(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{VERIFIER_NAME}"'
    return response
