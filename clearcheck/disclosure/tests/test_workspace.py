"""The workspace leads each role to its on-site pages (issue 4): officers to their tasks and e-credential,
agencies and the county to visits, agency managers to referrals, the enterprise to its visits."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _page(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get("/work/").content.decode()


@pytest.mark.parametrize(("role", "present", "absent"), [
    ("officer", ["/work/inspections/my-tasks/", "/work/registry/my-credential/", "/work/inspections/visits/"],
     ["/work/inspections/referrals/", "/enterprise/visits/"]),
    ("agency_admin", ["/work/inspections/visits/", "/work/inspections/referrals/"], ["/work/inspections/my-tasks/"]),
    ("bureau", ["/work/inspections/visits/"], ["/work/inspections/my-tasks/", "/work/inspections/referrals/"]),
    ("enterprise", ["/enterprise/visits/"], ["/work/inspections/visits/", "/work/inspections/my-tasks/"]),
])
def test_workspace_links_each_role_to_its_on_site_pages(make_user, role, present, absent):
    html = _page(make_user(role))
    for path in present:
        assert f'href="{path}' in html, path
    for path in absent:
        assert f'href="{path}"' not in html, path


@pytest.mark.parametrize("role", ["bureau", "government", "discipline", "agency_admin", "agency_head",
                                  "department_head", "officer", "enterprise"])
def test_every_workspace_card_opens_for_its_role(make_user, role):
    """A card the workspace shows a role is a page that role may open (no 403 or 404 behind a card)."""
    import re

    user = make_user(role)
    client = Client()
    client.force_login(user)
    html = client.get("/work/").content.decode()
    links = sorted(set(re.findall(r'<a class="card" href="([^"]+)"', html)))
    assert links
    refused = {path: client.get(path).status_code for path in links}
    assert {p: s for p, s in refused.items() if s != 200} == {}
