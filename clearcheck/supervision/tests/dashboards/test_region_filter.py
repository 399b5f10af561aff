"""The dashboards' region filter is the deployment's own jurisdiction as a hierarchy (issue 19): a county today
(``CLEARCHECK["REGION_CODE"]``), a province later; one level at a time (htmx), never the national table, no
duplicates; a region covers the regions below it.
"""

import re

import pytest
from django.test import Client

from clearcheck.core.errors import ValidationFailed
from clearcheck.registry.tests.factories import bureau_make
from clearcheck.supervision.dashboards.filters import filters_parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(settings):
    settings.CLEARCHECK = {**settings.CLEARCHECK, "REGION_CODE": "370000"}  # 山东省


def _client():
    client = Client()
    client.force_login(bureau_make())
    return client


def _options(html: str) -> list[str]:
    return re.findall(r"<option value=\"(\d*)\"", html[html.index('id="region-filter"'):html.index("</div>",
                                                                                                  html.index('id="region-filter"'))])


def test_county_deployment_offers_its_county_only():
    html = _client().get("/work/dashboards/").content.decode()
    assert _options(html) == [""]
    assert "东阿县全部" in html and "郊区" not in html and "东城区" not in html


def test_province_deployment_loads_one_level_at_a_time(province):
    client = _client()
    html = client.get("/work/dashboards/").content.decode()
    codes = _options(html)
    assert codes[0] == "" and "371500" in codes and "371524" not in codes  # cities, not their counties
    assert all(c.startswith("37") for c in codes[1:]) and len(codes) == len(set(codes)) < 60
    level = client.get("/work/dashboards/regions/", {"region": "371500"}).content.decode()
    assert '<option value="371500" selected>聊城市</option>' in level
    assert '<option value="371524">东阿县</option>' in level and "聊城市全部" in level
    assert "hx-get" in level and "<html" not in level
    chosen = client.get("/work/dashboards/", {"region": "371524"}).content.decode()
    assert '<option value="371524" selected>东阿县</option>' in chosen


def test_region_covers_the_regions_below_it_and_stays_in_the_jurisdiction(province):
    city = filters_parse({"region": "371500"}, scope_agency_id=None)
    assert city.region == "371500" and {"371500", "371524", "371502"} <= set(city.region_codes)
    assert filters_parse({"region": "370000"}, scope_agency_id=None).region == ""  # the root is "all"
    with pytest.raises(ValidationFailed):
        filters_parse({"region": "110101"}, scope_agency_id=None)
    response = _client().get("/work/dashboards/", {"region": "110101"})
    assert response.status_code == 200 and "所选区划不在本平台辖区内" in response.content.decode()
