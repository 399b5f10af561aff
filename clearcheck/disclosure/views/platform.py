"""Public pages of the platform itself: home, rules catalogue, audit-chain head; and the workspace."""

import datetime as dt
import json

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clearcheck.audit.chain import checkpoint_key, checkpoint_keys_document
from clearcheck.audit.selectors import checkpoint_latest
from clearcheck.core.rules import RULES


@require_GET
def home(request):
    """Landing page for the public and for anyone who scanned a code without context."""
    return render(request, "disclosure/home.html")


@login_required
def workspace(request):
    """The signed-in user's entry page: links by role."""
    return render(request, "disclosure/workspace.html")


@require_GET
def rules(request):
    """The rules catalogue (rule ID, clause, mode, message), kept as the platform's own data."""
    return render(request, "disclosure/rules.html", {"rules": RULES.values()})


def _checkpoint_document() -> dict | None:
    cp = checkpoint_latest()
    if cp is None:
        return None
    body = json.loads(cp.body)
    key = checkpoint_key()
    return {
        "length": cp.length,
        "head": cp.head_hash,
        "time": body["time"],
        "suite": cp.suite,
        "key_id": cp.key_id,
        "signature": cp.signature,
        "signed_bytes": cp.body,
        "public_key_pem": key.public_key_pem if key.key_id == cp.key_id else None,
    }


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
