"""Individual businesses in draws (R24, ADR 0017): the pseudonym key, ``clearcheck-draw/2`` frames, the
private map, the enterprise's own page, and ``clearcheck-draw/1`` draws made before, shown redacted.
"""

import datetime as dt
import hashlib
import io
import json
import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

from clearcheck.core import blobs
from clearcheck.core.errors import RuleViolation
from clearcheck.sampling import algorithm
from clearcheck.sampling import services as svc
from clearcheck.sampling.documents import draw_document
from clearcheck.sampling.models import Draw
from clearcheck.sampling.pseudonyms import (
    MASKED_LABEL,
    Pseudonymiser,
    PseudonymKeyMissing,
    draw_key,
    is_masked,
    key_fingerprint,
    pseudonym_key_create,
    pseudonym_key_load,
)
from clearcheck.sampling.selectors import pseudonym_map
from clearcheck.sampling.tests.draw_fixtures import *  # noqa: F403 (the shared draw fixtures)
from clearcheck.sampling.tests.draw_fixtures import KENO, freeze
from clearcheck.sampling.tests.draw_helpers import _reference_codes, draw_events  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db


@pytest.fixture
def individuals(draw_county, officials, make_enterprise):
    """Two individual businesses of tier C: one of the county's enterprises by its registered type, and one
    registered (wrongly) as a legal person whose USCC says 92 (个体工商户)."""
    from clearcheck.registry.services import enterprise_update
    from clearcheck.registry.validators import uscc_check_digit
    from clearcheck.sampling.tests.draw_fixtures import grade

    shop = draw_county["tiers"]["C"][0]
    enterprise_update(actor=officials("bureau"), enterprise_id=shop.pk, entity_type="individual_business")
    shop.refresh_from_db()
    body = "92371524MA3C8K5X1"
    stall = make_enterprise("东阿县姚寨镇顺通小吃店", uscc=body + uscc_check_digit(body), entity_type="legal_person")
    grade(draw_county, [stall], "C")
    return {"shop": shop, "stall": stall}


def _drawn(county, make_draw, monkeypatch, **overrides):
    """A draw of all of tier C (8 + 1 enterprises), committed, selected and revealed."""
    draw = make_draw(sample={"C": 9}, max_per_team=10, **overrides)
    draw, secret = svc.draw_commit(actor=county["admin"], draw_id=draw.pk)
    draw = svc.draw_select(actor=county["admin"], draw_id=draw.pk, secret=secret, public_value=KENO)
    return draw, secret


def _reveal(county, draw, secret, monkeypatch):
    freeze(monkeypatch, draw.window_end + dt.timedelta(days=1))
    return svc.draw_reveal(actor=county["admin"], draw_id=draw.pk, secret=secret)


# --- the key ------------------------------------------------------------------------------------------


def test_the_key_is_made_once_readable_by_its_owner_only_and_never_replaced(tmp_path):
    path = str(tmp_path / "made-by-init" / "pseudonym.key")
    assert pseudonym_key_create(path) is True
    key = pseudonym_key_load(path)
    assert len(key) == 32 and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert pseudonym_key_create(path) is False and pseudonym_key_load(path) == key


def test_a_missing_key_stops_with_the_file_named(tmp_path, settings):
    missing = str(tmp_path / "nowhere" / "pseudonym.key")
    settings.CLEARCHECK = {**settings.CLEARCHECK, "PSEUDONYM_KEY_FILE": missing}
    with pytest.raises(ImproperlyConfigured) as caught:
        pseudonym_key_load()
    assert isinstance(caught.value, PseudonymKeyMissing) and missing in str(caught.value)
    assert not os.path.exists(missing)  # never made on first use


def test_r24_a_draw_with_an_individual_business_needs_the_key_one_without_does_not(draw_county, individuals,
                                                                                  make_draw, settings, tmp_path):
    settings.CLEARCHECK = {**settings.CLEARCHECK, "PSEUDONYM_KEY_FILE": str(tmp_path / "gone.key")}
    with pytest.raises(PseudonymKeyMissing):
        svc.draw_commit(actor=draw_county["admin"], draw_id=make_draw(sample={"C": 1}).pk)
    assert Draw.objects.filter(status="committed").count() == 0  # nothing committed
    # A pool without individual businesses draws without the key (``make_draw`` pools the whole county, so
    # narrow it to tier B, where there is none).
    svc.pool_update(actor=draw_county["admin"], pool_id=draw_county["pool"].pk, data={"filters": {"tiers": ["B"]}})
    draw, _ = svc.draw_commit(actor=draw_county["admin"], draw_id=make_draw(sample={"B": 1}).pk)
    assert draw.frame_pseudonyms == 0 and "pseudonyms" not in draw.parameters and draw.pseudonyms_sha256 == ""


# --- clearcheck-draw/2 --------------------------------------------------------------------------------


def test_r24_individual_businesses_are_in_the_frame_under_pseudonyms_and_drawn_like_any_other(
        draw_county, individuals, make_draw, monkeypatch):
    county, shop, stall = draw_county, individuals["shop"], individuals["stall"]
    assert is_masked(shop.entity_type, shop.uscc) and is_masked(stall.entity_type, stall.uscc)
    draw, secret = _drawn(county, make_draw, monkeypatch)
    pseudonymiser = Pseudonymiser(draw.pk)
    expected = {pseudonymiser.of(shop.uscc): shop.uscc, pseudonymiser.of(stall.uscc): stall.uscc}
    frame = blobs.blob_read(draw.frame_sha256)
    assert frame.startswith(b"clearcheck-draw-frame/2\n") and shop.uscc.encode() not in frame
    assert stall.uscc.encode() not in frame and all(p.encode() in frame for p in expected)
    assert pseudonym_map(draw) == expected and draw.frame_pseudonyms == 2
    per_draw = draw_key(pseudonym_key_load(), draw.pk)
    assert draw.parameters["algorithm"] == algorithm.ALGORITHM_V2
    assert draw.parameters["pseudonyms"]["key_sha256"] == key_fingerprint(per_draw)
    # The map is private, but its address is in the commit's audit event; select resolved the picks.
    from clearcheck.audit.models import AuditEvent

    commit = json.loads(AuditEvent.objects.get(action="draw.commit", subject_id=str(draw.pk)).body)["after"]
    assert commit["pseudonyms_sha256"] == draw.pseudonyms_sha256 and commit["pseudonyms"] == 2
    picks = {p.enterprise_id: p for p in draw.picks.all()}
    assert picks[shop.pk].entry in expected and picks[shop.pk].uscc == shop.uscc
    assert picks[stall.pk].entry == pseudonymiser.of(stall.uscc)
    draw = _reveal(county, draw, secret, monkeypatch)
    document = draw_document(draw)
    assert algorithm.verify_document(json.loads(json.dumps(document))) == []
    text = json.dumps(document, ensure_ascii=False)
    assert shop.uscc not in text and stall.uscc not in text and document["frame_counts"]["pseudonyms"] == 2


def test_r24_a_changed_pseudonym_map_is_refused_at_select_and_alerted(draw_county, individuals, make_draw):
    from clearcheck.alerts.models import Alert
    from clearcheck.sampling.tests.draw_helpers import tamper

    draw, secret = svc.draw_commit(actor=draw_county["admin"], draw_id=make_draw(sample={"C": 2}).pk)
    tamper(draw.pseudonyms_sha256, b"clearcheck-pseudonyms/1\n")
    with pytest.raises(RuleViolation) as caught:
        svc.draw_select(actor=draw_county["admin"], draw_id=draw.pk, secret=secret, public_value=KENO)
    assert caught.value.rule_id == "R24" and not draw.picks.exists()
    assert Alert.objects.filter(dedup_key=f"R24:pseudonyms-tampered:{draw.pk}").exists()


def test_r24_a_pick_moved_to_another_individual_business_is_refused_at_reveal(draw_county, individuals, make_draw,
                                                                              monkeypatch):
    from clearcheck.sampling.models import DrawPick

    draw, secret = _drawn(draw_county, make_draw, monkeypatch)
    shop, stall = individuals["shop"], individuals["stall"]
    DrawPick.objects.filter(draw=draw, enterprise=shop).update(enterprise=draw_county["tiers"]["D"][0],
                                                               uscc=draw_county["tiers"]["D"][0].uscc)
    freeze(monkeypatch, draw.window_end + dt.timedelta(days=1))
    with pytest.raises(RuleViolation):
        svc.draw_reveal(actor=draw_county["admin"], draw_id=draw.pk, secret=secret)
    assert stall  # the other individual business's pick is untouched


# --- public pages and the enterprise's own page -------------------------------------------------------


def test_r24_public_draw_page_shows_the_mask_and_pseudonym_and_the_portal_the_enterprises_own(
        draw_county, individuals, make_draw, make_user_plain, monkeypatch):
    county, shop = draw_county, individuals["shop"]
    draw, secret = _drawn(county, make_draw, monkeypatch)
    pseudonym = Pseudonymiser(draw.pk).of(shop.uscc)
    owner = Client()
    owner.force_login(make_user_plain("enterprise", enterprise=shop))
    before = owner.get("/enterprise/draws/").content.decode()
    # Before reveal the shop learns its pseudonym, and nothing about the selection (R24: unannounced).
    assert pseudonym in before and "是否抽中" not in before and shop.uscc not in before
    draw = _reveal(county, draw, secret, monkeypatch)
    public = Client().get(f"/public/draws/{draw.pk}/").content.decode()
    assert shop.name not in public and shop.uscc not in public and pseudonym in public
    assert str(MASKED_LABEL) in public and 'id="pseudonym-note"' in public
    assert county["tiers"]["C"][1].name in public  # others are named as before
    after = owner.get("/enterprise/draws/").content.decode()
    pick = draw.picks.get(enterprise=shop)
    rank = hashlib.sha256(bytes.fromhex(draw.seed) + pseudonym.encode()).hexdigest()
    assert pick.rank == rank and rank in after and f"序号 {pick.position}" in after and "是,C 层" in after
    # Another enterprise's page does not show the shop's pseudonym.
    other = Client()
    other.force_login(make_user_plain("enterprise", enterprise=county["tiers"]["C"][1]))
    page = other.get("/enterprise/draws/").content.decode()
    assert pseudonym not in page and county["tiers"]["C"][1].uscc in page
    assert Client().get("/enterprise/draws/").status_code == 302


# --- clearcheck-draw/1: draws made before -------------------------------------------------------------


def _as_v1(draw: Draw) -> Draw:
    """Rewrite a committed draw as the platform stored one before ADR 0017 (a /1 frame of USCCs)."""
    frame = blobs.blob_read(draw.frame_sha256)
    entries = {p: u for p, u in pseudonym_map(draw).items()}
    enterprises, officers, exclusions = algorithm.frame_parse(frame)
    v1 = algorithm.frame_bytes([(s, entries.get(e, e)) for s, e in enterprises], officers,
                               [(c, entries.get(e, e), r) for c, e, r in exclusions])
    parameters = {k: v for k, v in draw.parameters.items() if k != "pseudonyms"}
    parameters["algorithm"] = algorithm.ALGORITHM_V1
    Draw.objects.filter(pk=draw.pk).update(
        frame_sha256=blobs.blob_put(v1), parameters=parameters, pseudonyms_sha256="", frame_pseudonyms=0,
        parameters_sha256=algorithm.sha256_hex(algorithm.canonical_json(parameters)))
    return Draw.objects.select_related("agency").get(pk=draw.pk)


def test_r24_a_v1_draw_with_individual_businesses_is_published_redacted_and_still_checked_by_the_platform(
        draw_county, individuals, make_draw, make_user_plain, monkeypatch, tmp_path, capsys):
    county, shop, stall = draw_county, individuals["shop"], individuals["stall"]
    draw = make_draw(sample={"C": 9}, max_per_team=10)
    draw, secret = svc.draw_commit(actor=county["admin"], draw_id=draw.pk)
    draw = _as_v1(draw)
    draw = svc.draw_select(actor=county["admin"], draw_id=draw.pk, secret=secret, public_value=KENO)
    assert draw.picks.get(enterprise=shop).entry == shop.uscc  # a /1 entry is the USCC
    draw = _reveal(county, draw, secret, monkeypatch)
    document = json.loads(Client().get(f"/public/draws/{draw.pk}/document.json").content)
    text = json.dumps(document, ensure_ascii=False)
    assert document["algorithm"] == algorithm.ALGORITHM_V1 and shop.uscc not in text and stall.uscc not in text
    assert document["redacted"]["enterprises"] == 2 and document["redacted"]["selection"] == 2
    redacted = [p for p in document["selection"] if p.get("redacted")]
    assert len(redacted) == 2 and all("rank" not in p and "uscc" not in p for p in redacted)
    path = tmp_path / "draw.json"
    path.write_text(text, encoding="utf-8")
    assert algorithm.main([str(path)]) == 3 and "UNVERIFIABLE" in capsys.readouterr().out
    # The whole document verifies, the platform re-computes it, and the bureau can export it.
    assert algorithm.verify_document(draw_document(draw, public=False)) == []
    page = Client().get(f"/public/draws/{draw.pk}/verify/").content.decode()
    assert 'class="badge ok" id="verify-result"' in page and 'id="redacted-note"' in page
    assert shop.uscc not in page and shop.name not in page
    out = io.StringIO()
    call_command("draw", "export", str(draw.pk), "--internal", stdout=out)
    assert shop.uscc in out.getvalue() and algorithm.verify_document(json.loads(out.getvalue())) == []
    # The shop's own page shows its USCC (its entry in a /1 draw) and that it was drawn.
    owner = Client()
    owner.force_login(make_user_plain("enterprise", enterprise=shop))
    mine = owner.get("/enterprise/draws/").content.decode()
    assert shop.uscc in mine and "本次抽取早于化名规则" in mine and "抽中" in mine


def test_r24_a_v1_draw_without_individual_businesses_is_published_whole(draw_county, make_draw, monkeypatch):
    draw = make_draw(sample={"B": 2})
    draw, secret = svc.draw_commit(actor=draw_county["admin"], draw_id=draw.pk)
    draw = _as_v1(draw)
    draw = svc.draw_select(actor=draw_county["admin"], draw_id=draw.pk, secret=secret, public_value=KENO)
    draw = _reveal(draw_county, draw, secret, monkeypatch)
    document = json.loads(Client().get(f"/api/public/draws/{draw.pk}.json").content)
    assert "redacted" not in document and algorithm.verify_document(document) == []
    assert {p["uscc"] for p in document["selection"]} <= {e.uscc for e in draw_county["tiers"]["B"]}


def test_r24_an_enterprise_registered_as_an_individual_business_after_the_draw_is_redacted(
        draw_county, officials, make_draw, monkeypatch):
    """A /2 frame lists an enterprise by its USCC when it was a legal person at commit; once the registry
    says it is an individual business, the public document leaves it out too (ADR 0017)."""
    from clearcheck.registry.services import enterprise_update

    draw = make_draw(sample={"B": 8}, max_per_team=10)
    draw, secret = svc.draw_commit(actor=draw_county["admin"], draw_id=draw.pk)
    draw = svc.draw_select(actor=draw_county["admin"], draw_id=draw.pk, secret=secret, public_value=KENO)
    draw = _reveal(draw_county, draw, secret, monkeypatch)
    late = draw_county["tiers"]["B"][2]
    enterprise_update(actor=officials("bureau"), enterprise_id=late.pk, entity_type="individual_business")
    late.refresh_from_db()
    document = json.loads(Client().get(f"/api/public/draws/{draw.pk}.json").content)
    assert late.uscc not in json.dumps(document) and document["redacted"]["enterprises"] == 1
    assert algorithm.verify_document(document)[0].startswith("本文档依法隐去")
    page = Client().get(f"/public/draws/{draw.pk}/").content.decode()
    assert late.uscc not in page and late.name not in page and 'id="redacted-note"' in page
