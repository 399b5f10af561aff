"""Public inspection outcomes (一公开, issue 6 §7): closed inspections only, no personal data — no officer
names, no enterprise staff, no free text — and individual businesses (个体工商户) masked, also against a
name search. Query counts stay flat as the page fills.
"""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PERSON_BUSINESS = "东阿县王二小百货店"


@pytest.fixture
def shops(make_enterprise):
    """A legal-person enterprise and an individual business registered at the same place."""
    return {
        "company": make_enterprise("东阿县福胶阿胶有限公司"),
        "person": make_enterprise(PERSON_BUSINESS, entity_type="individual_business"),
    }


def test_closed_inspections_are_listed_with_masking(hb_county, shops, close_inspection):
    close_inspection(shops["company"], disposition="correct_now")
    close_inspection(shops["person"])
    page = Client().get("/public/outcomes/").content.decode()
    assert "东阿县福胶阿胶有限公司" in page
    assert PERSON_BUSINESS not in page and "王二小" not in page
    assert "个体工商户(名称不予公开)" in page
    assert "发现问题已整改" in page and "未发现问题" in page
    assert "营业执照公示情况检查" in page and hb_county["agency"].name in page


def test_a_name_search_never_finds_an_individual_business(hb_county, shops, close_inspection):
    close_inspection(shops["company"])
    close_inspection(shops["person"])
    client = Client()
    page = client.get("/public/outcomes/", {"q": "王二小"}).content.decode()
    assert "个体工商户(名称不予公开)" not in page and "暂无符合条件的检查结果" in page
    page = client.get("/public/outcomes/", {"q": "福胶"}).content.decode()
    assert "东阿县福胶阿胶有限公司" in page and "个体工商户" not in page.split('id="outcomes"')[1]
    # An agency-name search finds both (the individual one still masked).
    page = client.get("/public/outcomes/", {"q": hb_county["agency"].name}).content.decode()
    assert "东阿县福胶阿胶有限公司" in page and "个体工商户(名称不予公开)" in page


def test_detail_carries_no_personal_data_or_free_text(hb_county, shops, close_inspection):
    visit = close_inspection(shops["person"], disposition="refer")
    response = Client().get(f"/public/outcomes/{visit.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    officer = hb_county["officer"]
    for secret in (officer.name, officer.credential_no, "王小明", "刘大伟", "店员", "无异议", "依法处置",
                   PERSON_BUSINESS, shops["person"].uscc, shops["person"].address, hb_county["users"]["officer"].username):
        assert secret not in page, secret
    assert "移送其他机关" in page and "《市场主体登记管理条例》" in page  # the item's published basis


def test_inspections_not_closed_are_not_public(hb_county, shops, close_inspection):
    visit = close_inspection(shops["company"], close=False)
    client = Client()
    assert "东阿县福胶阿胶有限公司" not in client.get("/public/outcomes/").content.decode()
    assert client.get(f"/public/outcomes/{visit.pk}/").status_code == 404
    assert client.get("/public/outcomes/99999999/").status_code == 404


def test_filters_by_agency_and_year(hb_county, shops, close_inspection):
    visit = close_inspection(shops["company"])
    client = Client()
    mine = client.get("/public/outcomes/", {"agency": hb_county["agency"].pk}).content.decode()
    assert "东阿县福胶阿胶有限公司" in mine
    other = client.get("/public/outcomes/", {"agency": hb_county["other_agency"].pk}).content.decode()
    assert "东阿县福胶阿胶有限公司" not in other
    assert "东阿县福胶阿胶有限公司" in client.get("/public/outcomes/", {"year": visit.year}).content.decode()
    assert "东阿县福胶阿胶有限公司" not in client.get("/public/outcomes/", {"year": visit.year - 1}).content.decode()
    assert client.get("/public/outcomes/", {"year": "x", "agency": "y", "page": "z"}).status_code == 200


def test_result_kinds(hb_county, shops, close_inspection):
    from clearcheck.disclosure import selectors

    visits = [close_inspection(shops["company"], disposition=kind)
              for kind in ("correct_by_deadline", "refer")]
    rows = {row["id"]: [k for k, _ in row["kinds"]] for row in selectors.outcome_rows(visits)}
    assert rows[visits[0].pk] == ["correcting"]
    assert rows[visits[1].pk] == ["referred"]


def test_issue19_a_finding_told_as_no_problem_is_not_counted_as_a_problem(hb_county, shops, close_inspection):
    """A finding disposed of only as 未发现问题(告知) publishes as 未发现问题, with no problem counted. Such
    dispositions exist only from before R19 refused them (a finding records a problem), hence the update."""
    from clearcheck.disclosure import selectors
    from clearcheck.inspections.models import Disposition

    visit = close_inspection(shops["company"], disposition="correct_now")
    Disposition.objects.filter(finding__record__visit=visit).update(kind="notice")
    row = selectors.outcome_rows([visit])[0]
    assert [k for k, _ in row["kinds"]] == ["no_findings"] and row["findings_count"] == 0


def test_list_query_count_does_not_grow_with_the_page(hb_county, shops, close_inspection,
                                                       django_assert_max_num_queries):
    client = Client()
    close_inspection(shops["company"], disposition="correct_now")
    with django_assert_max_num_queries(9) as few:
        client.get("/public/outcomes/")
    for _ in range(3):
        close_inspection(shops["person"], disposition="refer")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/public/outcomes/").content.decode()
    assert page.count('href="/public/outcomes/') == 4
