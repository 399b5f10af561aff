"""ADR 0006: what an internet-zone deployment serves. The enterprise portal includes pages the enterprise
shares with officers (marked ``@enterprise_portal``), served there to enterprise accounts only.
"""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_enterprise_portal_pages_reach_the_enterprise_from_the_internet(county, settings):
    settings.CLEARCHECK_ZONE = "internet"
    enterprise = _client(county["users"]["enterprise"])
    assert enterprise.get("/enterprise/visits/").status_code == 200
    assert enterprise.get("/work/inspections/recusals/").status_code == 200
    assert enterprise.get("/work/inspections/refusals/").status_code == 200


@pytest.mark.parametrize("role", ["officer", "agency_admin", "bureau"])
def test_staff_reach_no_workspace_from_the_internet(county, settings, role):
    settings.CLEARCHECK_ZONE = "internet"
    client = _client(county["users"][role])
    assert client.get("/work/inspections/recusals/").status_code == 404  # a portal page, but not for staff
    assert client.get("/work/inspections/visits/").status_code == 404
    assert client.get("/public/rules/").status_code == 200


def test_unmarked_workspace_pages_are_missing_for_everyone_on_the_internet(county, settings):
    settings.CLEARCHECK_ZONE = "internet"
    assert _client().get("/work/inspections/visits/").status_code == 404  # not even a login redirect
    assert _client(county["users"]["enterprise"]).get("/work/registry/enterprises/").status_code == 404
    assert _client().get("/api/tasks").status_code == 404


def test_the_government_zone_serves_everything(county, settings):
    settings.CLEARCHECK_ZONE = "government"
    assert _client(county["users"]["agency_head"]).get("/work/inspections/recusals/").status_code == 200
    assert _client().get("/work/inspections/visits/").status_code == 302  # to the login page
