"""Issue 19 (Deliver 5): a refused change on the plan pages comes back on the same page (422) with what was
typed, in the form that sent it — the annual plan's fields, a month's entry, the filing reason, and every
form of a special plan — instead of a redirect that empties it."""

import pytest
from django.test import Client

from clearcheck.planning.services import plans as plan_services
from clearcheck.planning.services import special_plans

from .test_special_plans import draft, reviewed

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_refused_plan_update_keeps_what_was_typed(admin, plan):
    response = _client(admin).post(f"/work/planning/plans/{plan.pk}/", {
        "action": "update", "basis": "", "goals": "新的目标:全年检查不超过 40 户次", "forms": "现场检查",
        "scope": "全县", "content": "许可情况"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "新的目标:全年检查不超过 40 户次" in html and 'id="fields" open' in html
    plan.refresh_from_db()
    assert "新的目标" not in plan.goals


def test_a_refused_month_entry_reopens_its_month_with_the_values(admin, plan, items):
    response = _client(admin).post(f"/work/planning/plans/{plan.pk}/", {
        "action": "entry_set", "month": "13", "item": str(items[1].pk), "target_count": "7", "note": "重点季度"})
    assert response.status_code == 422
    # No month 13: the values come back, no card opens wrongly.
    response = _client(admin).post(f"/work/planning/plans/{plan.pk}/", {
        "action": "entry_set", "month": "4", "item": str(items[1].pk), "target_count": "-2", "note": "重点季度"})
    html = response.content.decode()
    assert response.status_code == 422
    card = html[html.index('id="month-4"'):html.index('id="month-5"')]
    assert "open" in card and 'value="-2"' in card and 'value="重点季度"' in card
    assert f'value="{items[1].pk}" selected' in card


def test_a_refused_amendment_filing_keeps_its_text(admin, plan, items):
    services = plan_services
    client = _client(admin)
    services.annual_plan_entry_set(actor=admin, plan_id=plan.pk, item_id=items[0].pk, month=3, target_count=2)
    services.annual_plan_file(actor=admin, plan_id=plan.pk, reason="")
    services.annual_plan_entry_set(actor=admin, plan_id=plan.pk, item_id=items[0].pk, month=4, target_count=1)
    response = client.post(f"/work/planning/plans/{plan.pk}/file/", {"reason": "   "})
    assert response.status_code == 422  # the page itself, with the reason asked for, not a redirect
    assert 'id="plan-file"' in response.content.decode()


def test_a_refused_special_plan_action_keeps_what_was_typed(admin, government):
    plan = reviewed(admin)
    special_plans.special_plan_submit(actor=admin, plan_id=plan.pk)
    response = _client(government).post(f"/work/planning/special-plans/{plan.pk}/",
                                        {"action": "reject", "note": "   "})
    assert response.status_code == 422
    special_plans.special_plan_approve(actor=government, plan_id=plan.pk, note="同意")
    response = _client(admin).post(f"/work/planning/special-plans/{plan.pk}/", {
        "action": "amend", "reason": "", "scope": "扩大到全县阿胶经营企业", "content": "", "period_start": "",
        "period_end": ""})
    # An urgent amendment needs its reason: the scope typed comes back in the amendment form.
    assert response.status_code == 422
    html = response.content.decode()
    amend = html[html.index('id="amend"'):]
    assert "扩大到全县阿胶经营企业" in amend


def test_a_refused_special_plan_update_keeps_the_form(admin):
    plan = draft(admin)
    response = _client(admin).post(f"/work/planning/special-plans/{plan.pk}/", {
        "action": "update", "title": "改过的名称", "year": str(plan.year), "period_start": "2026-07-01",
        "period_end": "2026-06-01", "scope": "新的范围", "content": "新的内容", "assessment": "",
        "approver_kind": "government"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="改过的名称"' in html and "新的范围" in html
    plan.refresh_from_db()
    assert plan.title != "改过的名称"
