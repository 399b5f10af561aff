"""The workspace leads each role to its on-site pages (issue 4): officers to their tasks and e-credential,
agencies and the county to visits, agency managers to referrals, the enterprise to its visits."""

import pytest
from django.test import Client

from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

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


def test_the_officers_workspace_leads_with_today_and_shows_no_admin_cards(onsite_county, open_visit):
    """Issue 19: an officer's workspace starts with today's own work (visits in progress, today's tasks) and
    shows only the cards of pages an officer uses — no plans, pools, draws, checklists or officer lists."""
    county = onsite_county
    visit = open_visit()
    html = _page(county["officer_users"][0])
    main = html.split("<main>")[1]
    assert main.index('id="today"') < main.index('<a class="card"')
    today = main.split('id="today"')[1].split("</section>")[0]
    assert f"/work/inspections/visits/{visit.pk}/" in today and county["enterprise"].name in today
    for path in ("/work/planning/plans/", "/work/sampling/", "/work/registry/officers/", "/work/catalog/checklists/"):
        assert f'class="card" href="{path}' not in html, path
    assert html.count('<a class="card"') <= 5


def test_workspace_of_other_roles_has_no_today_section(make_user):
    assert 'id="today"' not in _page(make_user("agency_admin"))
