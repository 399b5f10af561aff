"""Browser journey of an entry refusal on a phone (R29, 四(八)): the enterprise records an entry it refused
because the visitors did not scan, with its feedback, and sees it listed.
"""

import datetime as dt
import re

import pytest

from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r29_enterprise_records_a_refused_entry_and_sees_it_listed(phone, screenshot, make_agency, make_enterprise,
                                                                   make_user):
    from clearcheck.alerts.models import Alert
    from clearcheck.core import clock
    from clearcheck.inspections.models import EntryRefusal

    agency = make_agency("东阿县市场监督管理局")
    enterprise = make_enterprise("东阿阿胶股份有限公司")
    make_user("enterprise", enterprise=enterprise, username="ejiao")
    page = phone

    login(page, "ejiao")
    page.goto("/work/inspections/refusals/")
    form = page.locator("#refusal-record")
    form.locator("textarea[name=people]").fill("王某,自称执法证号 37150000009")
    form.locator("select[name=agency_id]").select_option(label=agency.name)
    when = (clock.local_now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    form.locator("input[name=occurred_at]").fill(when)
    form.locator("input[name=place]").fill("厂区东门")
    form.locator("textarea[name=feedback]").fill("两人未扫码即要求进入车间,已拒绝")
    assert_fits_phone(page)
    form.get_by_role("button", name="提交记录").click()
    expect(page).to_have_url(re.compile(r"/work/inspections/refusals/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("已记录")
    expect(page.locator("#refusal-facts")).to_contain_text(agency.name)
    screenshot(page, "journey-entry-refusal-recorded")

    page.goto("/work/inspections/refusals/")
    card = page.locator(".refusal", has_text="王某")
    expect(card).to_contain_text("两人未扫码即要求进入车间,已拒绝")
    assert_fits_phone(page)
    screenshot(page, "journey-entry-refusal-list")
    record = EntryRefusal.objects.get()
    assert record.agency_id == agency.pk and record.place == "厂区东门"
    assert Alert.objects.filter(rule_id="R29", agency=agency).exists()
    assert not page.js_errors
