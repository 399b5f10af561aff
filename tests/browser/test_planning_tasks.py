"""Browser journey of tasks on a phone (R06, R07): the agency admin drafts and submits a task, the
department head cannot approve it (sees R07), the agency head opens it from the approval inbox and approves it
on its page.
"""

import datetime as dt
import re

import pytest

from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_task_is_submitted_refused_to_the_department_head_and_approved_by_the_head(
        phone, screenshot, make_agency, make_enterprise, make_officer, make_user):
    from clearcheck.catalog import services as catalog
    from clearcheck.core import clock
    from clearcheck.planning.models import InspectionTask

    agency = make_agency("东阿县市场监督管理局")
    admin = make_user("agency_admin", agency=agency, username="scjg-admin")
    make_user("department_head", agency=agency, username="scjg-dept")
    make_user("agency_head", agency=agency, username="scjg-head")
    zhang, wang = make_officer(agency, "张明"), make_officer(agency, "王芳")
    food = catalog.item_create(actor=admin, code="SCJG-001", name="食品生产许可条件保持情况检查",
                               legal_basis="《中华人民共和国食品安全法》第一百一十条", object_scope="食品生产企业",
                               method="现场检查", special_sector="life_health")  # routine without a draw (R24)
    catalog.item_list_publish(actor=admin, agency=agency, reason="首次公布")
    enterprise = make_enterprise("东阿阿胶股份有限公司")
    today = clock.local_today()
    page = phone

    # The agency admin drafts the task and files it before entry (事前备案, R06).
    login(page, "scjg-admin")
    page.goto("/work/planning/tasks/new/")
    form = page.locator("#task-form")
    form.locator("input[name=uscc]").fill(enterprise.uscc)
    form.locator("select[name=source]").select_option("annual_plan")
    form.locator("input[name=window_start]").fill((today + dt.timedelta(days=2)).isoformat())
    form.locator("input[name=window_end]").fill((today + dt.timedelta(days=4)).isoformat())
    form.locator(f"#items input[value='{food.pk}']").check()
    form.locator(f"#officers input[value='{zhang.pk}']").check()
    form.locator(f"#officers input[value='{wang.pk}']").check()
    form.locator("textarea[name=notice]").fill("请备好食品生产许可证及进货查验记录")
    assert_fits_phone(page)
    form.get_by_role("button", name="保存并提报").click()
    expect(page).to_have_url(re.compile(r"/work/planning/tasks/\d+/$"))
    expect(page.locator("h1")).to_contain_text("已提报待审批")
    task_url = page.url
    task_id = int(re.search(r"/tasks/(\d+)/$", task_url).group(1))
    assert_fits_phone(page)
    screenshot(page, "journey-task-submitted")

    # The department head may look; approval by an internal department alone is not offered, and the page
    # says why (R07).
    login(page, "scjg-dept")
    page.goto(task_url)
    expect(page.locator("#task-approve")).to_have_count(0)
    expect(page.locator("#decider-note")).to_contain_text("R07")
    expect(page.locator("h1")).to_contain_text("已提报待审批")
    screenshot(page, "journey-task-r07-refused")

    # The agency head opens it from the approval inbox and approves it on its page (issue 19).
    login(page, "scjg-head")
    page.goto("/work/planning/tasks/inbox/")
    card = page.locator("#inbox tbody tr").filter(has_text="东阿阿胶股份有限公司")
    expect(card).to_have_count(1)
    assert_fits_phone(page)
    card.locator("a.row-link").click()
    page.locator("#task-approve").click()
    expect(page).to_have_url(re.compile(r"/work/planning/tasks/inbox/$"))
    expect(page.locator(".messages")).to_contain_text("已批准")
    expect(page.locator("#inbox")).not_to_contain_text("东阿阿胶股份有限公司")
    screenshot(page, "journey-task-approved")
    assert InspectionTask.objects.get(pk=task_id).status == "approved"
    assert not page.js_errors, page.js_errors
