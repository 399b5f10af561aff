"""The officer's first day (issue 19, Officer): the login from the code page returns to it; one obvious
action per state at check-in (R14); the visit hub and the record's counter refresh as fragments (htmx
polling); the 告知事项 of the record are confirmed as steps on the record page.
"""

import re

import pytest
from django.test import Client

from clearcheck.inspections.models import OnSiteRecord, Visit
from clearcheck.inspections.services.visits import visit_confirm, visit_start_by_code
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from clearcheck.registry import codes

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def landing(county) -> str:
    return f"/public/c/{codes.enterprise_code_token(county['code'])}/"


def pending_visit(county) -> Visit:
    """The first officer scanned; the second has not confirmed yet (R14)."""
    return visit_start_by_code(actor=county["officer_users"][0], token=codes.enterprise_code_token(county["code"]),
                               task_ids=[county["task"].pk], idempotency_key="flow-visit")


# --- login from the code page ------------------------------------------------------------------------


def test_the_code_page_offers_a_login_that_returns_to_it(onsite_county, settings):
    county = onsite_county
    url = landing(county)
    html = Client().get(url).content.decode()
    link = re.search(r'href="(/accounts/login/\?next=[^"]+)"', html).group(1)
    assert link == f"/accounts/login/?next={url}"
    user = county["officer_users"][0]
    user.set_password("一个足够长的口令-2026")
    user.save()
    client = Client()
    login = client.get(link.replace("&amp;", "&")).content.decode()
    assert f'name="next" value="{url}"' in login
    response = client.post("/accounts/login/", {"username": user.username, "password": "一个足够长的口令-2026",
                                                "next": url})
    assert response.status_code == 302 and response["Location"] == url


def test_an_unsafe_next_is_not_followed(onsite_county):
    county = onsite_county
    user = county["officer_users"][0]
    user.set_password("一个足够长的口令-2026")
    user.save()
    response = Client().post("/accounts/login/", {"username": user.username, "password": "一个足够长的口令-2026",
                                                  "next": "https://evil.example/public/c/x/"})
    assert response.status_code == 302 and response["Location"] == "/work/"


# --- one obvious action per state --------------------------------------------------------------------


def test_r14_the_second_officer_sees_only_the_confirmation(onsite_county):
    county = onsite_county
    visit = pending_visit(county)
    html = client_for(county["officer_users"][1]).get(landing(county)).content.decode()
    assert f"/work/inspections/visits/{visit.pk}/confirm/" in html
    assert html.count('class="primary"') == 1 and "本人确认入企" in html
    assert "签到入企</button>" not in html  # the task is in the pending visit: no second check-in offered
    first = client_for(county["officer_users"][0]).get(landing(county)).content.decode()
    assert "签到入企</button>" not in first and 'id="to-confirm"' not in first


def test_r14_the_officer_with_nothing_pending_sees_the_check_in(onsite_county):
    html = client_for(onsite_county["officer_users"][1]).get(landing(onsite_county)).content.decode()
    assert '<button class="primary" type="submit">签到入企</button>' in html and 'id="to-confirm"' not in html


# --- the hub and the counter refresh by themselves ---------------------------------------------------------


def test_r14_the_hub_polls_while_pending_and_its_fragment_shows_the_confirmation(onsite_county):
    county = onsite_county
    visit = pending_visit(county)
    first = client_for(county["officer_users"][0])
    hub = first.get(f"/work/inspections/visits/{visit.pk}/").content.decode()
    live = f"/work/inspections/visits/{visit.pk}/live/"
    assert f'hx-get="{live}"' in hub and 'hx-trigger="every 4s"' in hub and "visit-live.js" in hub
    fragment = first.get(live).content.decode()
    assert "<html" not in fragment and 'id="visit-status" hx-swap-oob="true"' in fragment and "未确认" in fragment
    visit_confirm(actor=county["officer_users"][1], visit_id=visit.pk)
    fragment = first.get(live).content.decode()
    assert "检查中" in fragment and "未确认" not in fragment and "hx-trigger" not in fragment  # polling stops
    assert f"/work/inspections/visits/{visit.pk}/record/" in fragment
    assert client_for(county["enterprise_user"]).get(live).status_code in (403, 404)


def test_the_record_counter_polls_and_a_saved_entry_updates_it(onsite_county, open_visit):
    county = onsite_county
    visit = open_visit()
    record = OnSiteRecord.objects.get(visit=visit)
    entries = list(record.entries.order_by("order"))
    first, second = (client_for(u) for u in county["officer_users"][:2])
    page = first.get(f"/work/inspections/visits/{visit.pk}/record/").content.decode()
    progress = f"/work/inspections/visits/{visit.pk}/record/progress/"
    assert f'hx-get="{progress}"' in page and f"已填写 0 / {len(entries)} 项" in page
    saved = second.post(f"/work/inspections/visits/{visit.pk}/record/entries/{entries[0].pk}/",
                        {"result": "compliant"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="record-progress" hx-swap-oob="outerHTML" hx-get="' in saved and f"已填写 1 / {len(entries)} 项" in saved
    polled = first.get(progress).content.decode()
    assert f"已填写 1 / {len(entries)} 项" in polled and "<html" not in polled


# --- the 告知事项 as steps of the record ------------------------------------------------------------------


def test_the_record_steps_are_confirmed_on_the_record_page(onsite_county, open_visit):
    county = onsite_county
    visit = open_visit()
    officer = client_for(county["officer_users"][0])
    page = officer.get(f"/work/inspections/visits/{visit.pk}/record/").content.decode()
    assert 'name="credentials_shown"' in page and 'name="recusal_answer"' in page
    officer.post(f"/work/inspections/visits/{visit.pk}/record/header/", {
        "steps_present": "1", "credentials_shown": "on", "rights_told": "on", "recusal_answer": "no", "save": "1"})
    record = OnSiteRecord.objects.get(visit=visit)
    assert record.credentials_shown and record.rights_told and record.recusal_answer == "no"
    officer.post(f"/work/inspections/visits/{visit.pk}/record/header/", {"steps_present": "1", "save": "1"})
    record.refresh_from_db()
    assert not record.credentials_shown and not record.rights_told and record.recusal_answer == ""
