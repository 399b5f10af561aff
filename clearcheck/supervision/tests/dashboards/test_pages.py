"""Dashboard pages, exports and API: scoping by actor, filters, bounded queries, Excel read back."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from clearcheck.core import clock
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from clearcheck.supervision.dashboards.filters import Filters
from clearcheck.supervision.dashboards.fold import rollups_fold
from clearcheck.supervision.dashboards.selectors import dashboard_overview
from clearcheck.supervision.tests.dashboards.fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db
OVERVIEW = "dashboards:overview"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def visited(inspect, dash_county):
    """Three inspections (two folded, one still open) of the county's agency at two enterprises."""
    inspect()
    inspect(dash_county["other_enterprise"])
    rollups_fold()
    inspect(close=False)
    return dash_county


def total_visits(panels: dict) -> int:
    return panels["shares"]["total"]


def test_bureau_sees_every_panel_with_charts_and_tables(visited):
    """The bureau's page: a chart element with its JSON and a data table per panel."""
    response = client_for(visited["bureau"]).get(reverse(OVERVIEW))
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("by_agency", "by_source", "distribution", "top", "shares", "entries", "loop", "alerts"):
        assert f'data-chart="chart-{key}"' in html and f'id="chart-{key}"' in html
    assert html.count("<table") >= 10
    assert "为保护企业匿名不予显示" in html  # evaluations: fewer than 5, not shown
    assert 'id="panel-complaints"' in html and "已登记" in html
    assert visited["enterprise"].name in html  # the top list names enterprises (internal page)
    assert "echarts-5.6.0/echarts.min.js" in html


def test_overview_query_count_is_bounded(visited, inspect, django_assert_max_num_queries):
    """Not per row: more visits and enterprises do not add queries."""
    client = client_for(visited["bureau"])
    client.get(reverse(OVERVIEW))
    with django_assert_max_num_queries(40):
        client.get(reverse(OVERVIEW))
    for _ in range(3):
        inspect(visited["other_enterprise"], close=False)
    with django_assert_max_num_queries(40):
        client.get(reverse(OVERVIEW))


def test_counts_include_the_unfolded_tail(visited):
    """Two folded visits and one open visit: every count says three."""
    panels = dashboard_overview(actor=visited["bureau"], filters=Filters(year=clock.local_year()))
    assert total_visits(panels) == 3
    assert panels["distribution"]["buckets"]["1"] == 1 and panels["distribution"]["buckets"]["2"] == 1
    assert [row[1] for row in panels["top"]["table"]["rows"]] == [2, 1]
    code_row = panels["entries"]["table"]["rows"][0]
    assert code_row[1] == 3  # all three scanned the enterprise code


def test_agency_sees_only_its_own_data_everywhere(visited):
    """Another agency's admin sees zero on every panel, in the export and in the API, even asking for ours."""
    stranger = visited["stranger_admin"]
    own = visited["agency"].pk
    client = client_for(stranger)
    response = client.get(reverse(OVERVIEW), {"agency": own})
    assert response.status_code == 200
    assert visited["enterprise"].name not in response.content.decode()
    api = client.get("/api/dashboards/overview", {"agency": own})
    assert api.status_code == 200
    assert api.json()["shares"]["table"]["rows"][0][1] == 0
    assert api.json()["top"]["table"]["rows"] == []
    book = load_workbook(io.BytesIO(client.get(reverse(OVERVIEW), {"format": "xlsx", "agency": own}).content))
    assert book["受检最多的企业(前20)"].max_row == 1  # the header only
    mine = client_for(visited["admin"]).get("/api/dashboards/overview").json()
    assert mine["shares"]["table"]["rows"][0][1] == 3


@pytest.mark.parametrize("role", ["officer", "department_head", "enterprise"])
def test_other_roles_get_404(visited, make_user_plain, role):
    """Officers, department heads and enterprises have no dashboard (404 on the page and the API)."""
    kwargs = {"enterprise": visited["enterprise"]} if role == "enterprise" else {"agency": visited["agency"]}
    client = client_for(make_user_plain(role, **kwargs))
    assert client.get(reverse(OVERVIEW)).status_code == 404
    assert client.get("/api/dashboards/overview").status_code == 404


def test_filters_region_industry_tier(visited):
    """Filters narrow every monthly panel; an industry section or tier without visits gives zero."""
    bureau, year = visited["bureau"], clock.local_year()
    enterprise = visited["enterprise"]
    from clearcheck.supervision.dashboards.dimensions import industry_section

    section = industry_section(enterprise.industry_id)
    assert total_visits(dashboard_overview(actor=bureau, filters=Filters(year=year, industry=section))) == 3
    assert total_visits(dashboard_overview(actor=bureau, filters=Filters(year=year, industry="Z"))) == 0
    assert total_visits(dashboard_overview(actor=bureau, filters=Filters(year=year, region=enterprise.region_id))) == 3
    assert total_visits(dashboard_overview(actor=bureau, filters=Filters(year=year, tier="ZZ"))) == 0
    month = clock.local_today().month
    other = 1 if month != 1 else 2
    assert total_visits(dashboard_overview(actor=bureau, filters=Filters(year=year, month_from=other,
                                                                         month_to=other))) == 0


def test_bad_filter_is_refused_with_a_message(visited):
    """A month range ending before it starts: a clear message, the default period shown."""
    response = client_for(visited["bureau"]).get(reverse(OVERVIEW), {"month_from": 5, "month_to": 2})
    assert response.status_code == 200
    assert "结束月份不能早于开始月份" in response.content.decode()
    assert client_for(visited["bureau"]).get("/api/dashboards/overview", {"month_from": 13}).status_code == 422


def test_excel_export_reads_back(visited):
    """Every table exports with Chinese headers; one panel alone with ``panel=``."""
    client = client_for(visited["bureau"])
    response = client.get(reverse(OVERVIEW), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert "各机关每月检查次数" in book.sheetnames and len(book.sheetnames) == 10
    sheet = book["各机关每月检查次数"]
    assert [c.value for c in sheet[1]] == ["月份", "检查主体", "检查次数"]
    assert sum(row[2] for row in sheet.iter_rows(min_row=2, values_only=True)) == 3
    one = load_workbook(io.BytesIO(client.get(reverse(OVERVIEW), {"format": "xlsx", "panel": "top"}).content))
    assert one.sheetnames == ["受检最多的企业(前20)"]
    assert client.get(reverse(OVERVIEW), {"format": "xlsx", "panel": "nope"}).status_code == 404


def test_enterprise_burden_is_its_own(visited, make_user_plain):
    """The enterprise sees its own visits, agencies and hours; another enterprise sees none of them."""
    response = client_for(visited["enterprise_user"]).get(reverse("dashboards_enterprise:burden"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="burden-visits">2<' in html and visited["agency"].name in html
    other_user = make_user_plain("enterprise", enterprise=visited["other_enterprise"])
    other = client_for(other_user).get(reverse("dashboards_enterprise:burden")).content.decode()
    assert 'id="burden-visits">1<' in other and visited["enterprise"].name not in other
    book = load_workbook(io.BytesIO(client_for(other_user).get(reverse("dashboards_enterprise:burden"),
                                                               {"format": "xlsx"}).content))
    assert book.active["A1"].value == "检查机关" and book.active["B2"].value == 1
    assert client_for(visited["bureau"]).get(reverse("dashboards_enterprise:burden")).status_code == 404


def test_public_burden_names_no_enterprise(visited):
    """Anyone reads the aggregate: the h1, averages, trend and distribution; never an enterprise's name."""
    response = Client().get(reverse("dashboards_public:burden"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "涉企检查负担" in html.split("<h1>")[1].split("</h1>")[0]
    for enterprise in (visited["enterprise"], visited["other_enterprise"]):
        assert enterprise.name not in html and enterprise.uscc not in html
    assert 'data-chart="chart-trend"' in html
    data = Client().get("/api/public/burden").json()
    assert data["visits"] == 3 and data["enterprises"] >= 2
    book = load_workbook(io.BytesIO(Client().get(reverse("dashboards_public:burden"), {"format": "xlsx"}).content))
    assert book.sheetnames == ["户均现场检查次数月度趋势", "企业年度受检次数分布"]


def test_feedback_panels_follow_the_feedback_apps_scope(visited, make_user_plain):
    """Evaluations and complaints come from the feedback selectors: the county government reads neither."""
    government = make_user_plain("government")
    panels = dashboard_overview(actor=government, filters=Filters(year=clock.local_year()))
    assert panels["evaluations"]["table"]["rows"] == [["本角色不查看评价统计"]]
    assert panels["complaints"]["table"]["rows"] == [["本角色不查看投诉举报"]]
    mine = dashboard_overview(actor=visited["admin"], filters=Filters(year=clock.local_year(),
                                                                      agency_id=visited["agency"].pk))
    assert mine["complaints"]["table"]["headers"] == ["状态", "件数"]
