"""Browser journey of an evaluation on a phone (R27): the enterprise opens its closed visit awaiting
evaluation, rates it with a conduct "yes", sees it recorded; the bureau finds the R27 alert in its inbox.
"""

import re

import pytest

from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r27_enterprise_evaluates_a_visit_and_the_bureau_sees_the_alert(phone, screenshot, make_agency,
                                                                       make_enterprise, make_officer, make_user):
    from clearcheck.feedback.models import Evaluation
    from clearcheck.inspections.services.records import visit_close
    from clearcheck.inspections.services.visits import visit_start_non_inspection

    agency = make_agency("东阿县市场监督管理局")
    officer = make_officer(agency, "张明")
    officer_user = make_user("officer", agency=agency, officer=officer, username="scjg-officer")
    enterprise = make_enterprise("东阿阿胶股份有限公司", latitude="36.335210", longitude="116.248390")
    make_user("enterprise", enterprise=enterprise, username="ejiao")
    make_user("bureau", username="sfj")
    visit = visit_start_non_inspection(actor=officer_user, kind="patrol", purpose="日常巡查", officer_ids=[],
                                       idempotency_key="journey-evaluation", enterprise_id=enterprise.pk,
                                       latitude="36.335210", longitude="116.248390")
    visit_close(actor=officer_user, visit_id=visit.pk, summary="巡查生产车间")
    page = phone

    # The enterprise sees the visit awaiting its evaluation, with the days left, and opens the form.
    login(page, "ejiao")
    page.goto("/enterprise/evaluations/")
    pending = page.locator("#pending-evaluations")
    expect(pending).to_contain_text("东阿县市场监督管理局")
    expect(pending).to_contain_text("剩 15 天")
    assert_fits_phone(page)
    pending.get_by_role("link", name="去评价").click()
    expect(page).to_have_url(re.compile(rf"/enterprise/evaluations/visits/{visit.pk}/$"))

    # It rates the visit: 2, and one of the 八个不得 happened.
    form = page.locator("#evaluation-form")
    form.get_by_label("2 不满意").check()
    form.get_by_label("检查人员刻意要求法定代表人到场").check()
    form.locator("input[name=duration_minutes]").fill("90")
    form.locator("textarea[name=comment]").fill("要求法定代表人必须到场")
    assert_fits_phone(page)
    screenshot(page, "journey-evaluation-form")
    form.get_by_role("button", name="提交评价").click()
    expect(page).to_have_url(re.compile(r"/enterprise/evaluations/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("评价已提交")
    expect(page.locator("#score")).to_have_text("2")
    expect(page.locator("#conduct-answers")).to_contain_text("检查人员刻意要求法定代表人到场")
    assert_fits_phone(page)
    screenshot(page, "journey-evaluation-recorded")
    page.goto("/enterprise/evaluations/")
    expect(page.locator("#pending-evaluations")).to_contain_text("暂无待评价")
    expect(page.locator("#past-evaluations")).to_contain_text("反映违规情形")

    # The bureau finds the R27 alert in its inbox.
    login(page, "sfj")
    page.goto("/work/alerts/")
    expect(page.locator("main")).to_contain_text("R27 事后评价")  # the rule by its name (issue 19)
    assert Evaluation.objects.count() == 1
    screenshot(page, "journey-evaluation-alert")
    assert not page.js_errors
