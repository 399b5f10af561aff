"""Browser journey of the enterprise on a phone (issue 19): after the inspection closes, it opens its visit from
the portal and reads the finding, the correction deadline with the days left, the documents issued to it and
the invitation to evaluate — and a refused refusal report keeps what it typed.
"""

import pytest

from clearcheck.core import clock
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_issue19_the_enterprise_finds_its_correction_deadline_on_its_phone(phone, screenshot, inspected):
    county = inspected["county"]
    visit = inspected["finish"]()
    deadline = inspected["deadline"]
    page = phone

    login(page, county["enterprise_user"].username)
    page.goto("/enterprise/visits/")
    page.locator("#visit-history a").first.click()
    expect(page).to_have_url(f"{page.url.split('/enterprise/')[0]}/enterprise/visits/{visit.pk}/")
    outcome = page.locator("#visit-outcome")
    expect(outcome).to_contain_text("未能出示有效的食品生产许可证")
    expect(outcome).to_contain_text(f"{deadline.year}年{deadline.month}月{deadline.day}日")
    expect(outcome).to_contain_text(f"还剩 {(deadline - clock.local_today()).days} 天")
    documents = page.locator("#visit-documents")
    expect(documents.get_by_role("link", name="现场检查笔录(PDF)")).to_be_visible()
    expect(documents.get_by_role("link", name="责令改正通知书(PDF)")).to_be_visible()
    expect(page.locator("#visit-evaluation").get_by_role("link", name="去评价")).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "journey-enterprise-outcome")

    # A refusal report with an impossible time comes back with everything typed still there.
    page.goto("/work/inspections/refusals/")
    page.locator("textarea[name=people]").fill("两名自称检查人员的男子")
    page.locator("input[name=occurred_at]").fill("2099-01-01T10:00")
    page.locator("textarea[name=feedback]").fill("未扫码,未出示证件,已拒绝")
    page.get_by_role("button", name="提交记录").click()
    expect(page.locator(".messages")).to_contain_text("发生时间")
    expect(page.locator("textarea[name=people]")).to_have_value("两名自称检查人员的男子")
    expect(page.locator("textarea[name=feedback]")).to_have_value("未扫码,未出示证件,已拒绝")
    assert_fits_phone(page)


def test_issue19_back_and_resubmit_on_a_phone_files_one_complaint(phone, inspected):
    from clearcheck.feedback.models import Complaint

    county = inspected["county"]
    page = phone
    login(page, county["enterprise_user"].username)
    page.goto("/enterprise/complaints/new/")
    page.locator("input[name=subject]").fill("检查过于频繁")
    page.locator("textarea[name=content]").fill("同一事项一个月内检查三次")
    page.locator("#complaint-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("投诉举报已提交")
    page.go_back()
    expect(page.locator("textarea[name=content]")).to_have_value("同一事项一个月内检查三次")
    page.locator("#complaint-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("已经提交过")
    assert Complaint.objects.filter(subject="检查过于频繁").count() == 1
    assert_fits_phone(page)
