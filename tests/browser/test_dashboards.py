"""Browser journey of the dashboards on a phone (issue 6 §5): the bureau opens the dashboard, changes a
filter, sees a chart canvas and the data table under it, and downloads the Excel workbook; a visitor
reads the public burden figures.
"""

import io
import re

import pytest
from openpyxl import load_workbook

from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from clearcheck.supervision.tests.dashboards.fixtures import *  # noqa: F403
from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bureau_reads_the_dashboard_and_downloads_excel(phone, live_server, screenshot, inspect, dash_county,
                                                        tmp_path):
    from clearcheck.supervision.dashboards.fold import rollups_fold

    inspect()
    inspect(dash_county["other_enterprise"])
    rollups_fold()
    inspect(close=False)

    page = phone
    login(page, dash_county["bureau"].username)
    page.goto("/work/dashboards/")
    expect(page.locator("h1")).to_contain_text("监督看板")
    expect(page.locator("#panel-by_agency canvas").first).to_be_visible()
    expect(page.locator("#panel-by_agency table")).to_contain_text(dash_county["agency"].name)
    expect(page.locator("#panel-shares table")).to_contain_text("检查总次数")
    assert_fits_phone(page)
    screenshot(page, "journey-dashboard")

    # A filter: an agency that inspected nothing → every count goes to zero.
    page.locator("#dashboard-filters select[name=agency]").select_option(label=dash_county["stranger"].name)
    page.locator("#dashboard-filters").get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"agency=\d+"))
    expect(page.locator("#panel-shares table tbody tr").first).to_contain_text("0")
    page.locator("#dashboard-filters select[name=agency]").select_option(value="")
    page.locator("#dashboard-filters").get_by_role("button", name="查询").click()
    expect(page.locator("#panel-top table")).to_contain_text(dash_county["enterprise"].name)
    expect(page.locator("#panel-top canvas").first).to_be_visible()

    with page.expect_download() as download:
        page.locator("#panel-top a.export").click()
    kept = tmp_path / "top.xlsx"
    download.value.save_as(kept)
    book = load_workbook(io.BytesIO(kept.read_bytes()))
    sheet = book["受检最多的企业(前20)"]
    assert sheet["A1"].value == "企业" and sheet["A2"].value == dash_county["enterprise"].name and sheet["B2"].value == 2

    page.goto("/public/burden/")
    expect(page.locator("h1")).to_contain_text("涉企检查负担")
    expect(page.locator("#panel-trend canvas").first).to_be_visible()
    assert dash_county["enterprise"].name not in page.content()
    assert_fits_phone(page)
    screenshot(page, "journey-burden-public")
