"""Hostile input to the API (issue 20, Deliver 1): what was measured to answer 500, store a NUL on one database
and not the other, or be parsed as JSON although it was not JSON, now answers 4xx before any route runs; web
forms drop the characters a person cannot see. Runs on both databases (they differed on NUL)."""

import json

import pytest
from django.test import Client

from clearcheck.core.inputs import text_invisible_strip, text_problem
from clearcheck.registry.models import Enterprise
from clearcheck.registry.tests.factories import uscc_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau_client(make_user):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("bureau"))
    return client


def _enterprise(**changes) -> dict:
    return {"uscc": uscc_make(4711), "name": "东阿县某阿胶有限公司", "entity_type": "legal_person", "region": "371524",
            "industry": "2740", "latitude": 36.33539, "longitude": 116.24758, "coordinate_datum": "gcj02", **changes}


def _raw(client, path: str, text: str, content_type: str = "application/json", method: str = "post"):
    return client.generic(method.upper(), path, text.encode("utf-8") if isinstance(text, str) else text,
                          content_type=content_type)


@pytest.mark.parametrize("bad, why", [
    ('"\\ud800"', "孤立的代理项"),           # a lone surrogate, as JSON escapes it
    ('"a\\u0000b"', "控制字符"),             # NUL (PostgreSQL refuses it, SQLite stored it)
    ('"\\u202egpj.exe"', "不可见"),           # a right-to-left override that spoofs a name
    ('"东阿\\u200b阿胶"', "不可见"),            # a zero-width space: two names that look alike
    ('"\\ufeff东阿阿胶"', "不可见"),            # a byte-order mark
])
def test_text_that_cannot_be_stored_or_shown_honestly_is_a_field_error(bureau_client, bad, why):
    body = json.dumps(_enterprise(), ensure_ascii=False).replace('"东阿县某阿胶有限公司"', bad)
    response = _raw(bureau_client, "/api/enterprises", body)
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    [error] = response.json()["errors"]
    assert error["field"] == "name" and why in error["message"]
    assert not Enterprise.objects.exists()


def test_a_lone_surrogate_in_the_unauthenticated_token_request_is_422(client):
    response = _raw(Client(raise_request_exception=False), "/api/auth/token",
                    '{"username": "\\ud800", "password": "x\\udfff", "name": "手机"}')
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"username", "password"}


def test_nul_in_the_hotline_is_refused_on_both_databases(bureau_client):
    body = '{"work_order_no": "12345-NUL", "called_at": "2026-11-20T09:30:00+08:00", "content": "检查\\u0000过多"}'
    response = _raw(bureau_client, "/api/hotline/work-orders", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "content"


def test_nested_fields_are_named_by_their_path(bureau_client):
    body = '{"items": [{"name": "ok"}, {"name": "\\u202e"}]}'
    response = _raw(bureau_client, "/api/enterprises", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "items[1].name"


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/xml", "application/x-www-form-urlencoded", "application/json; charset=utf-16",
])
def test_a_body_that_is_not_utf8_json_is_415(bureau_client, content_type):
    body = json.dumps(_enterprise())
    if "utf-16" in content_type:
        body = body.encode("utf-16")
    response = _raw(bureau_client, "/api/enterprises", body, content_type=content_type)
    assert response.status_code == 415, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert not Enterprise.objects.exists()


def test_json_with_its_charset_named_is_accepted(bureau_client):
    response = _raw(bureau_client, "/api/enterprises", json.dumps(_enterprise()),
                    content_type="application/json; charset=utf-8")
    assert response.status_code == 201, response.content


def test_upload_routes_keep_multipart(bureau_client):
    from clearcheck.core.api_input import documented_body_types

    assert "multipart/form-data" in documented_body_types("POST", "/api/imports")
    response = bureau_client.post("/api/imports", {"kind": "enterprises"})  # multipart, missing file
    assert response.status_code != 415


def test_malformed_json_is_still_400(bureau_client):
    assert _raw(bureau_client, "/api/enterprises", '{"name": ').status_code == 400


def test_web_forms_drop_invisible_characters(bureau_client, make_user):
    # The search box of a list: the posted or typed text reaches the view without the override.
    assert text_invisible_strip("东阿\u202e阿胶\u200b\x00") == "东阿阿胶"
    assert text_problem("东阿阿胶\n第二行\t") is None


def test_form_posts_are_cleaned_before_the_view(rf):
    from clearcheck.core.api_input import FormTextMiddleware

    seen = {}

    def view(request):
        seen.update(request.POST.lists())
        return None

    from urllib.parse import urlencode

    body = urlencode({"content": "反映\u202e问题\x07", "n": ["a\u200b", "b"]}, doseq=True)
    request = rf.post("/work/feedback/complaints/new/", body, content_type="application/x-www-form-urlencoded")
    FormTextMiddleware(view)(request)
    assert seen == {"content": ["反映问题"], "n": ["a", "b"]}
