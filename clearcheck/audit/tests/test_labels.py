"""Audit actions read as words (issue 19): every action the code base records has a Chinese label, and the trail
pages show labels, people by name and short subject ids, never a dotted code, a username or a whole UUID.
"""

import re
from pathlib import Path

from django.test import Client

from clearcheck.audit.labels import ACTION_LABELS, action_label
from clearcheck.audit.templatetags.audit_labels import short_id

ROOT = Path(__file__).resolve().parents[2]
LITERAL = re.compile(r"""action=f?"([a-z_0-9]+\.[^"]+)\"""")
DOTTED = re.compile(r"\b[a-z_]+\.[a-z_]+\b")


def _dynamic(code: str) -> set[str]:
    """The actions an f-string action code stands for."""
    from clearcheck.feedback.workflows import COMPLAINT
    from clearcheck.planning.choices import TierMethod
    from clearcheck.registry.choices import CredentialStatus

    expansions = {
        "complaint.{action}": {f"complaint.{a}" for a in COMPLAINT.transitions},
        "enterprise_tier.{method}": {f"enterprise_tier.{m}" for m in TierMethod.values},
        "officer.status_{after['status']}": {f"officer.status_{s}" for s in CredentialStatus.values},
    }
    assert code in expansions, f"an f-string action the test does not know how to expand: {code}"
    return expansions[code]


def actions_in_code() -> set[str]:
    """Every action code that ``audit_record`` is given somewhere in the code base (tests excluded)."""
    found: set[str] = {"demo.load", "officer.update"}  # constants assigned before the call
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for code in LITERAL.findall(path.read_text(encoding="utf-8")):
            found |= _dynamic(code) if "{" in code else {code}
    return found


def test_every_action_used_in_code_has_a_label():
    used = actions_in_code()
    assert len(used) > 100
    missing = sorted(used - set(ACTION_LABELS))
    assert not missing, f"audit actions without a label in clearcheck/audit/labels.py: {missing}"


def test_unknown_action_never_shows_its_code():
    assert action_label("alert.raise") == "发出预警"
    assert action_label("enterprise.merge") == "企业 · 其他操作"
    assert action_label("nothing.known") == "其他操作"
    assert "." not in action_label("") and "nothing" not in action_label("nothing.known")


def test_long_ids_are_shortened_numbers_are_not():
    assert short_id("12345") == "12345"
    assert short_id("3f2a9c1e-0b7d-4c51-9a8e-1d2f3a4b5c6d") == "3f2a9c1e…"


def _text(html: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def test_demo_trail_reads_as_words(demo_database):
    """Every action of the demo's trail has a label; the bureau's trail page and filter are Chinese; the
    enterprise's own activity log shows labels and names, not codes and usernames.
    """
    from clearcheck.accounts.models import User
    from clearcheck.audit.models import AuditEvent

    actions = set(AuditEvent.objects.values_list("action", flat=True).distinct())
    assert not sorted(actions - set(ACTION_LABELS))

    client = Client()
    client.force_login(User.objects.get(username="bureau"))
    page = client.get("/work/audit/").content.decode()
    assert 'placeholder="enterprise."' not in page
    assert '<option value="enterprise.update"' in page and "修改企业信息" in page
    text = _text(page)
    assert not DOTTED.search(text), DOTTED.search(text)
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text)  # no whole UUID in the readable text
    uploads = client.get("/work/audit/", {"action": "evidence_upload."}).content.decode()
    assert "证据上传" in uploads and not DOTTED.search(_text(uploads))
    one = client.get("/work/audit/", {"action": "alert.raise"})
    assert one.status_code == 200 and "发出预警" in _text(one.content.decode())

    owner = User.objects.get(username="enterprise")
    client.force_login(owner)
    mine = _text(client.get(f"/work/registry/enterprises/{owner.enterprise_id}/").content.decode())
    assert "留痕记录" in mine and "签发企业码" in mine
    assert "enterprise_code.issue" not in mine and not re.search(r"\bbureau\b", mine)
