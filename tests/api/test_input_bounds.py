"""Numbers and times from outside are bounded (issue 20, Deliver 1): what was measured to answer 500 now answers
422 with the field. Integers above 2⁶³ in query filters overflowed SQLite; a year-1 instant overflowed the
audit snapshot. Runs on both databases (SQLite raised OverflowError where PostgreSQL raised DataError).
"""

import json

import pytest
from django.test import Client

from clearcheck.core.inputs import INT64_MAX, MAX_ID

pytestmark = pytest.mark.django_db

HUGE = [2**63, 2**64 + 1, -(2**63) - 1]


@pytest.fixture
def bureau_client(make_user):
    client = Client(raise_request_exception=False)
    client.force_login(make_user("bureau"))
    return client


def _field_refused(response, field: str) -> None:
    assert response.status_code == 422, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in [error["field"] for error in response.json()["errors"]], response.json()


# The filters measured on main 7fb15c8 (issue 20), and the paging every list shares.
QUERY_FILTERS = [
    ("/api/officers", "agency"), ("/api/items", "agency"), ("/api/item-lists", "agency"),
    ("/api/standards", "agency"), ("/api/checklists", "agency"), ("/api/no-penalty-entries", "agency"),
    ("/api/alerts", "agency_id"), ("/api/alerts/counts", "agency_id"),
    ("/api/enterprises", "cursor"), ("/api/audit/events", "cursor"), ("/api/public/notices", "cursor"),
]


@pytest.mark.parametrize("path, field", QUERY_FILTERS)
@pytest.mark.parametrize("value", HUGE)
def test_integer_filter_beyond_64_bits_is_a_field_error(bureau_client, path, field, value):
    """Issue 20: ``?agency=2**63`` answered 500 on SQLite (OverflowError); now 422 naming the parameter."""
    _field_refused(bureau_client.get(path, {field: str(value)}), field)


@pytest.mark.parametrize("path, field", QUERY_FILTERS)
def test_largest_id_is_accepted_and_finds_nothing(bureau_client, path, field):
    """The bound is the database's, not a guess: 2⁶³−1 still answers 200 (an empty page or none)."""
    response = bureau_client.get(path, {field: str(MAX_ID)})
    assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize("path, field", [
    ("/api/items/{}", "item_id"), ("/api/officers/{}", "officer_id"), ("/api/checklists/{}", "checklist_id"),
    ("/api/alerts/{}", "alert_id"), ("/api/enterprises/{}/codes", "enterprise_id"),
])
def test_path_id_beyond_64_bits_is_a_field_error(bureau_client, path, field):
    _field_refused(bureau_client.get(path.format(2**64)), field)


@pytest.mark.parametrize("limit", [0, 201, 2**63])
def test_page_size_outside_1_to_200_is_a_field_error(bureau_client, limit):
    """A page holds 1 … 200 rows (``core.api.keyset_page``); the description says so and the API refuses more."""
    _field_refused(bureau_client.get("/api/enterprises", {"limit": str(limit)}), "limit")


@pytest.fixture
def enterprise_client(county):
    client = Client(raise_request_exception=False)
    client.force_login(county["users"]["enterprise"])
    return client


def _refusal(county, occurred_at: str) -> dict:
    return {"agency_id": county["agency"].pk, "people": "王某", "occurred_at": occurred_at, "place": "厂区东门",
            "feedback": "未出示检查码"}


@pytest.mark.parametrize("occurred_at", [
    "0001-01-01T00:00:00+08:00",  # measured on main: 500, the audit snapshot overflowed
    "9999-12-31T23:59:59+08:00",
    "1999-12-31T23:59:59Z",
    "2101-01-01T00:00:00Z",
    "2026-01-05T09:00:00",  # no time zone: not an instant
])
def test_entry_refusal_time_outside_the_sane_range_is_a_field_error(county, enterprise_client, occurred_at):
    """Issue 20: ``occurred_at = 0001-01-01T00:00:00+08:00`` on POST /api/entry-refusals answered 500."""
    from clearcheck.inspections.models import EntryRefusal

    response = enterprise_client.post("/api/entry-refusals", json.dumps(_refusal(county, occurred_at)),
                                      content_type="application/json")
    _field_refused(response, "occurred_at")
    assert not EntryRefusal.objects.exists()


@pytest.mark.parametrize("start", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_date_filter_outside_the_sane_range_is_a_field_error(bureau_client, start):
    _field_refused(bureau_client.get("/api/coordination/groups", {"start": start}), "start")


@pytest.mark.parametrize("body, field", [
    ({"order": 2**31}, "order"),  # a PositiveIntegerField: PostgreSQL's integer ends at 2³¹−1
    ({"order": INT64_MAX + 1}, "order"),
    ({"item_id": 2**63}, "item_id"),
    ({"standard_id": 0}, "standard_id"),
])
def test_checklist_entry_numbers_beyond_their_column_are_field_errors(world, body, field):
    client = Client(raise_request_exception=False)
    client.force_login(world["users"]["agency_admin"])
    payload = {"item_id": world["item"].pk, "content": "查看许可证", **body}
    response = client.post(f"/api/checklists/{world['draft_checklist'].pk}/entries", json.dumps(payload),
                           content_type="application/json")
    _field_refused(response, field)


# The same bounds where web forms and imports reach the services (one rule for every path, issue 20).

@pytest.mark.parametrize("cap", [2**31, 2**63, 2**70])
def test_item_annual_cap_beyond_its_column_is_a_field_error(world, cap):
    """A PositiveIntegerField: PostgreSQL answered a DataError (500) beyond 2³¹−1, SQLite beyond 2⁶³−1."""
    from clearcheck.catalog import services as catalog
    from clearcheck.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        catalog.item_create(actor=world["users"]["agency_admin"], code="SCJG-099", name="超大上限", legal_basis="依据",
                            object_scope="食品生产企业", method="现场检查", annual_cap=cap)
    assert [error.field for error in caught.value.errors] == ["annual_cap"]


@pytest.mark.parametrize("changes, field", [
    ({"order": 2**31}, "order"), ({"order": 2**70}, "order"), ({"item_id": 2**70}, "item"),
    ({"standard_id": 2**64}, "standard"),
])
def test_checklist_entry_service_refuses_numbers_beyond_the_database(world, changes, field):
    from clearcheck.catalog import services as catalog
    from clearcheck.core.errors import ValidationFailed

    kwargs = {"item_id": world["item"].pk, "content": "查看许可证", **changes}
    with pytest.raises(ValidationFailed) as caught:
        catalog.checklist_entry_add(actor=world["users"]["agency_admin"], checklist_id=world["draft_checklist"].pk,
                                    **kwargs)
    assert field in [error.field for error in caught.value.errors]


@pytest.mark.parametrize("changes, field", [
    ({"lead_agency_id": 2**64}, "lead_agency_id"), ({"task_ids": [1, 2**70]}, "task_ids"),
])
def test_joint_inspection_ids_beyond_64_bits_are_field_errors(world, changes, field):
    from clearcheck.core.errors import ValidationFailed
    from clearcheck.planning.services.coordination import joint_inspection_create

    kwargs = {"task_ids": [1, 2], "lead_agency_id": world["agency"].pk, **changes}
    with pytest.raises(ValidationFailed) as caught:
        joint_inspection_create(actor=world["users"]["bureau"], **kwargs)
    assert [error.field for error in caught.value.errors] == [field]
