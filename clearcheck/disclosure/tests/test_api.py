"""Public handbook API (一业一册): published versions only, the frozen snapshot and its SHA-256, problem
documents for what is missing or still in draft.
"""

import hashlib
import json

import pytest
from django.test import Client

from clearcheck.disclosure import services

pytestmark = pytest.mark.django_db


def test_list_and_detail_of_published_handbooks(hb_county, handbook_published):
    client = Client()
    body = client.get("/api/public/handbooks").json()
    assert [(h["slug"], h["version"]) for h in body["items"]] == [("ejiao", 1)]
    handbook_id = body["items"][0]["id"]
    detail = client.get(f"/api/public/handbooks/{handbook_id}").json()
    assert detail["version"] == 1 and detail["document"]["sections"]["summary"] == "东阿是阿胶的故乡。"
    assert hashlib.sha256(detail["snapshot"].encode()).hexdigest() == detail["sha256"]
    assert json.loads(detail["snapshot"]) == detail["document"]
    assert [i["code"] for i in detail["document"]["items"]] == ["SCJG-002"]


def test_drafts_never_served_and_old_versions_stay_readable(hb_county, handbook_published):
    bureau, client = hb_county["users"]["bureau"], Client()
    handbook = handbook_published["handbook"]
    draft = services.handbook_draft_start(actor=bureau, handbook_id=handbook.pk)
    services.handbook_draft_update(actor=bureau, version_id=draft.pk, sections={"summary": "草稿"})
    detail = client.get(f"/api/public/handbooks/{handbook.pk}").json()
    assert detail["version"] == 1 and "草稿" not in detail["snapshot"]
    assert client.get(f"/api/public/handbooks/{handbook.pk}?version=2").status_code == 404
    services.handbook_publish(actor=bureau, version_id=draft.pk)
    assert client.get(f"/api/public/handbooks/{handbook.pk}").json()["version"] == 2
    old = client.get(f"/api/public/handbooks/{handbook.pk}?version=1").json()
    assert old["status"] == "superseded" and [h["version"] for h in old["history"]] == [2, 1]


def test_missing_and_bad_ids_are_problem_documents(hb_county):
    client = Client()
    handbook = services.handbook_create(actor=hb_county["users"]["bureau"], industry_code="2740", slug="ejiao",
                                        title="阿胶")
    for path, status in ((f"/api/public/handbooks/{handbook.pk}", 404), ("/api/public/handbooks/999999", 404),
                         ("/api/public/handbooks/0", 422), ("/api/public/handbooks/abc", 422)):
        response = client.get(path)
        assert response.status_code == status, path
        assert response["Content-Type"].startswith("application/problem+json")
    assert client.get("/api/public/handbooks").json() == {"items": []}
