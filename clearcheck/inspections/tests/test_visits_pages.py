"""Check-in pages: the code landing page's check-in form (R11, 计划匹配), the officer's task list, the
geolocated check-in page, the visit hub (countdown, confirm, links) and the forms' refusals with rule IDs.
"""

import re

import pytest
from django.test import Client

from clearcheck.inspections.models import Visit
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


def form_key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html).group(1)


def test_r11_landing_page_gives_the_officer_a_check_in_form_of_matching_tasks(onsite_county):
    county = onsite_county
    html = client_for(county["officer_users"][0]).get(landing(county)).content.decode()
    assert 'id="checkin-form"' in html and f'name="task_ids" value="{county["task"].pk}"' in html
    assert 'action="/work/inspections/visits/start/"' in html and form_key(html)
    assert "非行政检查入企" in html
    public = Client().get(landing(county)).content.decode()
    assert 'id="checkin-form"' not in public and county["enterprise"].name in public


def test_check_in_from_the_landing_page_then_the_colleague_confirms(onsite_county):
    county = onsite_county
    first = client_for(county["officer_users"][0])
    html = first.get(landing(county)).content.decode()
    post = {"token": codes.enterprise_code_token(county["code"]), "task_ids": [county["task"].pk],
            "idempotency_key": form_key(html)}
    response = first.post("/work/inspections/visits/start/", post)
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/work/inspections/visits/{visit.pk}/"
    assert first.post("/work/inspections/visits/start/", post).status_code == 302  # a double tap
    assert Visit.objects.count() == 1
    hub = first.get(response["Location"]).content.decode()
    assert 'id="countdown"' in hub and "待同行人员确认" in hub and 'id="confirm-form"' not in hub

    second = client_for(county["officer_users"][1])
    page = second.get(landing(county)).content.decode()
    assert 'id="to-confirm"' in page and f"/work/inspections/visits/{visit.pk}/confirm/" in page
    done = second.post(f"/work/inspections/visits/{visit.pk}/confirm/", follow=True).content.decode()
    assert "入企检查已开始" in done and f"/work/inspections/visits/{visit.pk}/record/" in done
    visit.refresh_from_db()
    assert visit.status == "open"


def test_refusal_on_the_landing_form_shows_the_rule_and_goes_back(onsite_county, officials):
    county = onsite_county
    token = codes.enterprise_code_token(county["code"])
    codes.enterprise_code_issue(actor=officials("bureau"), enterprise_id=county["enterprise"].pk, reason="换新")
    codes.enterprise_code_revoke(actor=officials("bureau"), enterprise_id=county["enterprise"].pk, version=1,
                                 reason="作废")
    client = client_for(county["officer_users"][0])
    response = client.post("/work/inspections/visits/start/", {"token": token, "task_ids": [county["task"].pk],
                                                               "idempotency_key": "x1"}, follow=True)
    assert "R11" in response.content.decode() and not Visit.objects.exists()


def test_my_tasks_lists_todays_tasks_and_visits_to_confirm(onsite_county):
    from clearcheck.inspections.services.visits import visit_start_by_code

    county = onsite_county
    html = client_for(county["officer_users"][1]).get("/work/inspections/my-tasks/").content.decode()
    assert county["enterprise"].name in html and f'id="task-{county["task"].pk}"' in html
    assert f"/work/inspections/check-in/{county['enterprise'].pk}/" in html
    visit = visit_start_by_code(actor=county["officer_users"][0], token=codes.enterprise_code_token(county["code"]),
                                task_ids=[county["task"].pk], idempotency_key="m1")
    html = client_for(county["officer_users"][1]).get("/work/inspections/my-tasks/").content.decode()
    assert 'id="to-confirm"' in html and f"/work/inspections/visits/{visit.pk}/confirm/" in html


def test_r11_geolocated_check_in_page_and_post(onsite_county):
    county = onsite_county
    client = client_for(county["officer_users"][0])
    path = f"/work/inspections/check-in/{county['enterprise'].pk}/"
    html = client.get(path).content.decode()
    assert "geo-checkin.js" in html and "HTTPS" in html and 'name="task_ids"' in html  # the script is a file (CSP)
    far = point_north(301)  # noqa: F405
    refused = client.post(path, {"task_ids": [county["task"].pk], "latitude": far[0], "longitude": far[1],
                                 "idempotency_key": form_key(html)}, follow=True).content.decode()
    assert "R11" in refused and not Visit.objects.exists()
    near = point_north(100)  # noqa: F405
    response = client.post(path, {"task_ids": [county["task"].pk], "latitude": near[0], "longitude": near[1],
                                  "accuracy_m": "12", "idempotency_key": form_key(html)})
    visit = Visit.objects.get()
    assert response["Location"] == f"/work/inspections/visits/{visit.pk}/"
    assert visit.entry_method == "geolocation" and visit.distance_m == 100 and visit.accuracy_m == 12


def test_r26_non_inspection_visit_from_the_landing_page(onsite_county):
    county = onsite_county
    client = client_for(county["officer_users"][0])
    html = client.get(landing(county)).content.decode()
    other_key = re.findall(r'name="idempotency_key" value="([0-9a-f]{32})"', html)[-1]
    response = client.post("/work/inspections/visits/start-other/", {
        "token": codes.enterprise_code_token(county["code"]), "kind": "supervision_check", "purpose": "督查安全生产责任落实",
        "officer_ids": [county["officers"][1].pk], "idempotency_key": other_key})
    visit = Visit.objects.get()
    assert response.status_code == 302 and visit.kind == "supervision_check" and visit.status == "open"
    hub = client.get(f"/work/inspections/visits/{visit.pk}/").content.decode()
    assert "督查安全生产责任落实" in hub and "/record/" not in hub and "/evidence/" in hub


def test_visit_hub_cancel_and_lazy_expiry(onsite_county, frozen_now):
    from clearcheck.inspections.services.visits import visit_start_by_code

    county = onsite_county
    visit = visit_start_by_code(actor=county["officer_users"][0], token=codes.enterprise_code_token(county["code"]),
                                task_ids=[county["task"].pk], idempotency_key="h1")
    frozen_now.advance(minutes=11)
    html = client_for(county["head"]).get(f"/work/inspections/visits/{visit.pk}/").content.decode()
    assert "确认超时" in html
    visit.refresh_from_db()
    assert visit.status == "expired"
    late = client_for(county["officer_users"][1]).post(f"/work/inspections/visits/{visit.pk}/confirm/", follow=True)
    assert "R14" in late.content.decode()

    again = visit_start_by_code(actor=county["officer_users"][0], token=codes.enterprise_code_token(county["code"]),
                                task_ids=[county["task"].pk], idempotency_key="h2")
    response = client_for(county["officer_users"][1]).post(f"/work/inspections/visits/{again.pk}/cancel/",
                                                           {"reason": "改日检查"}, follow=True)
    assert "入企记录已撤销" in response.content.decode()
    again.refresh_from_db()
    assert again.status == "cancelled"


def test_visit_list_page_and_role_gates(onsite_county, open_visit):
    county = onsite_county
    visit = open_visit()
    html = client_for(county["head"]).get("/work/inspections/visits/?kind=inspection").content.decode()
    assert f"/work/inspections/visits/{visit.pk}/" in html
    assert client_for(county["enterprise_user"]).get(f"/work/inspections/visits/{visit.pk}/").status_code == 404
    assert client_for(county["head"]).get("/work/inspections/my-tasks/").status_code == 404
    assert client_for(county["head"]).get("/enterprise/visits/").status_code == 404
    assert client_for(county["officer_users"][0]).get("/work/inspections/visits/start/").status_code == 405
