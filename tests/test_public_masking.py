"""Issue 17: no individual business (个体工商户) is named or identified on any public surface (ADR 0017).

An individual business is a natural person trading under a registered name: its name, its USCC and its
operator's name are personal information (个人信息保护法 art. 4). The crawl builds one that was drawn in a
revealed double-random draw, inspected from the draw's task with a finding and a disposition (so it is in the
public outcomes and the burden figures), then requests every public page, every public export and every
``/api/public`` route — enumerated from the URL resolver and the OpenAPI schema, plus every public link and
download those pages offer — and finds none of them anywhere. The draw still verifies with the standalone
verifier: the individual business is in its frame under a pseudonym.
"""

import datetime as dt
import html
import io
import json
import re
import zipfile
from unittest import mock
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from clearcheck.core.middleware import path_in_internet_zone
from tests.access import ANON
from tests.test_route_access import crawl_targets, expectation, fill

# No module-wide django_db mark: the built cases get the database through their fixtures, and the demo's case
# runs on its own copy of the demo database (demo_database), outside the worker's test transaction.

KENO = "02,06,10,14,18,22,26,30,34,38,42,46,50,54,58,62,66,70,74,78"
SHOP = "东阿县铜城街道明德超市"  # USCC of type 92 (个体工商户)
STALL = "东阿县刘集镇个体百货店"  # USCC of type 91, but registered as an individual business
OPERATOR = "王秀兰"  # the shop's operator (经营者): a person's name
# Public routes that show an enterprise's name on purpose, with why (ADR 0017 §"The enterprise code").
EXEMPT = {
    "inspections_public:code_landing": "the landing page of the enterprise's own code, posted at its premises",
    "GET /api/public/codes/verify": "the same, as JSON for a scanning app",
}
MAX_REQUESTS = 600


def _uscc(prefix: str, serial: int) -> str:
    from clearcheck.registry.validators import uscc_check_digit

    body = f"{prefix}371524{serial:09d}"
    return body + uscc_check_digit(body)


@pytest.fixture
def pseudonym_key(settings, tmp_path):
    from clearcheck.sampling.pseudonyms import pseudonym_key_create

    path = str(tmp_path / "keys" / "pseudonym.key")
    pseudonym_key_create(path)
    settings.CLEARCHECK = {**settings.CLEARCHECK, "PSEUDONYM_KEY_FILE": path}
    return path


@pytest.fixture
def masked_world(world, pseudonym_key, make_enterprise, make_user_plain):
    """``world`` plus two individual businesses drawn in a revealed draw of ``other_agency``; the shop was
    inspected from its draw task (a finding, corrected on the spot) and is in a notice's matter."""
    from clearcheck.accounts.models import User
    from clearcheck.core import clock
    from clearcheck.inspections.services import outcomes, records
    from clearcheck.inspections.services.visits import visit_confirm, visit_start_by_location
    from clearcheck.registry.models import Officer
    from clearcheck.sampling import services as sampling

    shop = make_enterprise(SHOP, uscc=_uscc("92", 770001), entity_type="individual_business",
                           legal_representative=OPERATOR)
    stall = make_enterprise(STALL, uscc=_uscc("91", 770002), entity_type="individual_business")
    other = world["other_agency"]
    admin = User.objects.get(username="draw-crawl-admin")
    head = make_user_plain("agency_head", agency=other, username="masking-head")
    officer_users = {}
    for officer in Officer.objects.filter(agency=other):
        officer_users[officer.pk] = (User.objects.filter(officer=officer).first()
                                     or make_user_plain("officer", agency=other, officer=officer,
                                                        username=f"masking-officer-{officer.pk}"))
    item = other.inspection_items.get(code="YJ-DRAW-1", status="published")
    pool = sampling.pool_create(actor=admin, name="个体工商户(巡查用)", filters={"entity_types": ["individual_business"]})
    today = clock.local_today()
    draw = sampling.draw_create(actor=admin, title="个体工商户双随机抽查(巡查用)", pool_ids=[pool.pk], item_ids=[item.pk],
                                public_source="中国福利彩票快乐8 第2026917期", stratify="none", sample_mode="ratio",
                                sample={"ALL": "1"}, max_per_team=50, window_start=today,
                                window_end=today + dt.timedelta(days=2))
    draw, secret = sampling.draw_commit(actor=admin, draw_id=draw.pk)
    draw = sampling.draw_select(actor=admin, draw_id=draw.pk, secret=secret, public_value=KENO)
    sampling.draw_tasks_make(actor=admin, draw_id=draw.pk)
    sampling.draw_tasks_approve(actor=head, draw_id=draw.pk)

    pick = draw.picks.get(enterprise=shop)
    task = pick.tasks.get()
    first, second = [officer_users[m.officer_id] for m in pick.team.members.order_by("position")][:2]
    visit = visit_start_by_location(actor=first, enterprise_id=shop.pk, task_ids=[task.pk], latitude=shop.latitude,
                                    longitude=shop.longitude, idempotency_key="masking-shop")
    visit = visit_confirm(actor=second, visit_id=visit.pk)
    entry = visit.record.entries.get()
    records.record_entry_set(actor=first, visit_id=visit.pk, entry_id=entry.pk, result="non_compliant",
                             note=f"{SHOP}未落实安全生产责任制,经营者{OPERATOR}在场")
    finding = outcomes.finding_create(actor=first, visit_id=visit.pk, entry_ids=[entry.pk],
                                      description=f"{SHOP}安全生产责任制未落实", legal_basis="《安全生产法》第六十五条")
    outcomes.disposition_add(actor=first, finding_id=finding.pk, kind="correct_now", note="当场改正")
    records.record_header_update(actor=first, visit_id=visit.pk, findings_summary=f"{SHOP}当场改正",
                                 enterprise_representative=OPERATOR, enterprise_opinion="无异议")
    records.record_sign_officer(actor=first, visit_id=visit.pk)
    records.record_sign_officer(actor=second, visit_id=visit.pk)
    records.record_sign_enterprise(actor=first, visit_id=visit.pk, refused=True, refusal_note="拒绝签名")
    records.visit_close(actor=first, visit_id=visit.pk)

    after = clock.now() + dt.timedelta(days=4)
    with mock.patch.object(clock, "now", lambda: after):
        draw = sampling.draw_reveal(actor=admin, draw_id=draw.pk, secret=secret)

    for key in ("sampling_public:draw_detail", "sampling_public:draw_verify", "sampling_public:draw_document",
                "GET /api/public/draws/{draw_id}.json"):
        world["per_route"].setdefault(key, {})["draw_id"] = draw.pk
    world["per_route"].setdefault("disclosure:outcome_detail", {})["visit_id"] = visit.pk
    world.update(shop=shop, stall=stall, masked_draw=draw, shop_visit=visit)
    return world


def _notice_about_the_shop(world):
    """The bureau's notice on the inspection: naming the shop is refused, the anonymised text is published."""
    from clearcheck.core.errors import ValidationFailed
    from clearcheck.supervision import services

    bureau = world["users"]["bureau"]
    for title, body in ((f"关于{SHOP}检查情况的通报", "已当场改正。"),
                        ("关于个体工商户检查情况的通报", f"经查,统一社会信用代码 {world['shop'].uscc} 的个体工商户已改正。"),
                        ("关于个体工商户检查情况的通报", f"经查,{STALL}已改正。")):
        with pytest.raises(ValidationFailed) as refused:
            services.notice_draft(actor=bureau, kind="praise", title=title, body=body)
        assert "个体工商户" in str(refused.value.errors[0].message)
    notice = services.notice_draft(actor=bureau, kind="praise", title="关于某个体工商户当场整改的通报",
                                   body="某个体工商户在安全生产检查中当场改正问题,予以通报表扬。")
    services.notice_publish(actor=bureau, notice_id=notice.pk)
    world["per_route"].setdefault("supervision_public:notice_detail", {})["notice_id"] = notice.pk
    world["per_route"].setdefault("GET /api/public/notices/{notice_id}", {})["notice_id"] = notice.pk


# --- what a response says, as text ----------------------------------------------------------------------


def _text(response) -> str:
    """The response as searchable text: JSON re-encoded without escapes, HTML unescaped, every member of an
    Office file (a zip) decompressed."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    assert not body.startswith(b"%PDF"), "a public PDF: extract its text before searching it"
    text = body.decode("utf-8", "replace")
    if "json" in content_type:
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return html.unescape(text)


_HREF = re.compile(r"""(?:href|action)=["']([^"'#]+)""")


def _links(path: str, text: str) -> list[str]:
    """Same-site public links and downloads of a page (pagination, exports, details, JSON)."""
    found = []
    for href in _HREF.findall(text):
        target = urlsplit(urljoin("http://testserver" + path, html.unescape(href)))
        if target.netloc not in ("", "testserver"):
            continue
        link = target.path + (f"?{target.query}" if target.query else "")
        if target.path.startswith(("/public/", "/api/public/")) and path_in_internet_zone(target.path):
            found.append(link)
    return found


def _public_targets(world) -> list[tuple[str, str]]:
    """(key, path) of every route anonymous visitors may read, from the resolver and the OpenAPI schema."""
    targets = []
    for key, template, _is_api in crawl_targets():
        access = expectation(key)
        if access is None or ANON not in access.ok:
            continue
        targets.append((key, fill(template, key, world)))
    return targets


def _crawl(seeds: list[tuple[str | None, str]], secrets: dict[str, str]) -> tuple[list[str], list[str]]:
    """Request the seeds and every public link they offer, transitively; return (leaks, requested paths)."""
    client = Client(raise_request_exception=False)
    queue = list(seeds)
    seen, leaks, requested = set(), [], []
    while queue and len(requested) < MAX_REQUESTS:
        key, path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        requested.append(path)
        assert response.status_code < 500, f"{path} -> {response.status_code}"
        if response.status_code != 200:
            continue
        text = _text(response)
        if key not in EXEMPT:
            leaks += [f"{key or '(link)'} GET {path}: {what} “{value}”"
                      for what, value in secrets.items() if value in text]
        queue += [(None, link) for link in _links(path, text) if link not in seen]
    return leaks, requested


def _secrets(world) -> dict[str, str]:
    """What identifies the individual businesses: names (whole and the distinctive part), USCCs, the operator."""
    shop, stall = world["shop"], world["stall"]
    return {"name": SHOP, "trade name": "明德超市", "USCC": shop.uscc, "operator": OPERATOR,
            "name ": STALL, "trade name ": "个体百货店", "USCC ": stall.uscc}


# --- the tests --------------------------------------------------------------------------------------------


def test_r24_issue17_no_public_surface_names_or_identifies_an_individual_business(masked_world):
    world = masked_world
    _notice_about_the_shop(world)
    leaks, requested = _crawl(_public_targets(world), _secrets(world))
    assert not leaks, "\n" + "\n".join(leaks)
    draw = world["masked_draw"]
    # The crawl reached the surfaces the issue names, the exports they link and the public API.
    for path in (f"/public/draws/{draw.pk}/", f"/public/draws/{draw.pk}/document.json",
                 f"/api/public/draws/{draw.pk}.json", f"/public/outcomes/{world['shop_visit'].pk}/",
                 "/public/outcomes/", "/public/burden/", "/api/public/burden", "/public/notices/"):
        assert path in requested, path
    assert any("format=xlsx" in p for p in requested) and any(p.startswith("/api/public/") for p in requested)
    assert set(EXEMPT) <= {key for key, _ in _public_targets(world)}, "an exempt route no longer exists"


def test_r24_issue17_the_masked_draw_verifies_and_shows_pseudonyms(masked_world, tmp_path):
    """The published document verifies with the standalone verifier (the very file the site serves), and the
    individual businesses are in it under the pseudonyms their portal shows them."""
    import subprocess
    import sys

    from clearcheck.sampling.pseudonyms import Pseudonymiser

    world = masked_world
    draw = world["masked_draw"]
    client = Client()
    document = client.get(f"/public/draws/{draw.pk}/document.json")
    path = tmp_path / f"draw-{draw.pk}.json"
    path.write_bytes(document.content)
    verifier = tmp_path / "clearcheck_draw_verify.py"
    verifier.write_bytes(client.get("/public/draws/clearcheck_draw_verify.py").content)
    run = subprocess.run([sys.executable, "-I", str(verifier), str(path)], capture_output=True, text=True,
                         cwd=tmp_path, check=False)
    assert run.returncode == 0 and "MATCH" in run.stdout, run.stdout + run.stderr
    published = json.loads(document.content)
    assert published["algorithm"] == "clearcheck-draw/2" and published["frame_counts"]["pseudonyms"] >= 2
    pseudonyms = {e: Pseudonymiser(draw.pk).of(e.uscc) for e in (world["shop"], world["stall"])}
    assert set(pseudonyms.values()) <= {p["entry"] for p in published["selection"]}
    page = client.get(f"/public/draws/{draw.pk}/").content.decode()
    assert all(p in page for p in pseudonyms.values()) and "个体工商户(名称不予公开)" in page
    # The shop's own portal shows it its pseudonym, its place in the published frame and that it was drawn.
    from clearcheck.accounts.services import user_create

    owner = user_create(actor=None, username="masking-shop", password="Qingjian-2025!", role="enterprise",
                        display_name="明德超市", enterprise=world["shop"])
    portal = Client()
    portal.force_login(owner)
    mine = portal.get("/enterprise/draws/").content.decode()
    assert pseudonyms[world["shop"]] in mine and pseudonyms[world["stall"]] not in mine
    pick = draw.picks.get(enterprise=world["shop"])
    assert pick.rank in mine and "抽中" in mine


def test_r24_issue17_the_demo_county_names_no_individual_business(demo_database):
    """The issue's own case: the demo county (``make run``) shows no individual business's name or USCC on its
    public draw pages and documents, nor on any public page, export or API route reachable from the portal;
    its revealed draw still verifies."""
    from clearcheck.registry.models import Enterprise
    from clearcheck.sampling import algorithm
    from clearcheck.sampling.pseudonyms import masked_q
    from clearcheck.sampling.selectors import draws_public

    masked = list(Enterprise.objects.filter(masked_q()).values_list("name", "uscc"))
    assert len(masked) > 50
    client = Client()
    pseudonymous = 0
    for draw in draws_public():
        pages = [f"/public/draws/{draw.pk}/", f"/public/draws/{draw.pk}/verify/", f"/public/draws/{draw.pk}/document.json",
                 f"/api/public/draws/{draw.pk}.json", "/public/draws/"]
        for path in pages:
            text = _text(client.get(path))
            leaked = [value for pair in masked for value in pair if value in text]
            assert not leaked, f"{path}: {leaked[:3]}"
        if draw.status == "revealed":
            document = json.loads(client.get(f"/public/draws/{draw.pk}/document.json").content)
            assert document["algorithm"] == "clearcheck-draw/2" and algorithm.verify_document(document) == []
            # Every individual business of the pool is in the published frame, drawn or not (which one is drawn
            # depends on the draw's secret and the pseudonym key, both random): all of them under a pseudonym.
            pseudonymous += sum(1 for row in document["frame"]["enterprises"] if any(
                str(value).startswith("p-") for value in row))
    assert pseudonymous, "the demo's draws pool no individual business any more: the test no longer shows the case"
    seeds = [(None, path) for path in ("/", "/public/", "/public/outcomes/", "/public/notices/", "/public/burden/",
                                       "/public/draws/", "/api/public/notices", "/api/public/burden")]
    secrets = {f"{what} of {uscc}": value for name, uscc in masked for what, value in (("name", name), ("USCC", uscc))}
    leaks, requested = _crawl(seeds, secrets)
    assert not leaks, "\n" + "\n".join(leaks[:20])
    assert any(p.startswith("/public/outcomes/") and p[17:].rstrip("/").isdigit() for p in requested)
