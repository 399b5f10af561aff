"""A 422 names each field with a Chinese message an official can act on, not Pydantic's English (issue 20:
the API is Chinese first like the pages)."""

import pytest
from django.test import Client

from clearcheck.core.validation_messages import validation_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau_client(make_user):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("bureau"))
    return client


def _messages(response) -> dict[str, str]:
    assert response.status_code == 422, response.content[:300]
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_an_id_beyond_64_bits_is_told_its_bound_in_chinese(bureau_client):
    messages = _messages(bureau_client.get("/api/officers", {"agency": 2**64}))
    assert messages["agency"] == "不得大于 9223372036854775807"


def test_text_where_a_number_belongs_and_a_missing_field(bureau_client):
    assert _messages(bureau_client.get("/api/officers", {"agency": "abc"}))["agency"] == "须为整数"
    missing = _messages(bureau_client.post("/api/hotline/work-orders", {}, content_type="application/json"))
    assert missing and set(missing.values()) == {"必填"}


def test_an_instant_out_of_range_or_without_zone(bureau_client):
    body = {"enterprise_id": 1, "occurred_at": "0001-01-01T00:00:00+08:00", "reason": "x"}
    year_one = _messages(bureau_client.post("/api/entry-refusals", body, content_type="application/json"))
    assert year_one["occurred_at"].startswith("不得小于 2000-01-01")
    body["occurred_at"] = "2026-03-31T09:30:00"
    naive = _messages(bureau_client.post("/api/entry-refusals", body, content_type="application/json"))
    assert naive["occurred_at"] == "须带时区(如 +08:00)"


def test_an_unknown_error_type_keeps_pydantic_s_message_and_a_broken_context_does_not_raise():
    assert validation_message({"type": "something_new", "msg": "as Pydantic says"}) == "as Pydantic says"
    assert validation_message({"type": "string_too_long", "msg": "m", "ctx": {}}) == "m"
