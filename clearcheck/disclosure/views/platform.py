"""Public pages of the platform itself: home, rules catalogue, audit-chain head; and the workspace."""

import datetime as dt

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from clearcheck.audit.archive import archived_head, archived_head_days
from clearcheck.audit.chain import checkpoint_document, checkpoint_keys_document
from clearcheck.audit.selectors import checkpoint_latest
from clearcheck.core.rules import RULES


@require_GET
def home(request):
    """Landing page for the public and for anyone who scanned a code without context."""
    return render(request, "disclosure/home.html")


@require_GET
def rules(request):
    """The rules catalogue (rule ID, clause, mode, message), kept as the platform's own data."""
    return render(request, "disclosure/rules.html", {"rules": RULES.values()})


def _checkpoint_document() -> dict | None:
    cp = checkpoint_latest()
    return checkpoint_document(cp) if cp is not None else None


@require_GET
def audit_head(request):
    """Human-readable head of the audit chain: length, head hash, signature, and when it was signed in local
    time (the signed document keeps its UTC timestamp).
    """
    document = _checkpoint_document()
    try:
        signed_at = dt.datetime.fromisoformat(document["time"].replace("Z", "+00:00")) if document else None
    except (KeyError, TypeError, ValueError):
        signed_at = None
    return render(request, "disclosure/audit_head.html", {"checkpoint": document, "signed_at": signed_at})


@require_GET
def audit_checkpoint_json(request):
    """The latest signed checkpoint at a stable URL: keep a copy to detect a deleted tail later."""
    document = _checkpoint_document()
    if document is None:
        return JsonResponse({"length": 0, "head": "0" * 64}, status=200)
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


@require_GET
def audit_keys_json(request):
    """Public keys that sign checkpoints, the retired ones with their periods, for offline verification."""
    return JsonResponse(checkpoint_keys_document())


@require_GET
def audit_heads_json(request):
    """The days on which the chain's head was archived, newest first, each with its document's address.

    Mirror them to detect later that the chain's end was cut off (docs/deployment.md, "The audit chain").
    """
    days = archived_head_days()
    return JsonResponse({"heads": [
        {"day": day.isoformat(), "url": reverse("disclosure:audit_archived_head", args=[day.isoformat()])}
        for day in days]})


@require_GET
def audit_archived_head(request, archive_day: str):
    """The signed checkpoint archived on ``archive_day`` (YYYY-MM-DD), as it was written that day."""
    try:
        day = dt.date.fromisoformat(archive_day)
    except ValueError:
        raise Http404("日期格式应为 YYYY-MM-DD") from None
    document = archived_head(day)
    if document is None:
        raise Http404("当日没有存档的链头")
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})
