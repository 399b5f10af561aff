"""The demo's disclosure part: the 阿胶 handbook published as v1 with a v2 draft in progress, readable on the
public pages next to the demo county's public inspection outcomes.
"""

from django.test import Client


def test_demo_ejiao_handbook_v1_published_and_v2_in_draft(demo_database):
    """The loader builds the handbook (clearcheck.demo.disclosure); ``demo_database`` is a copy of the demo."""
    from clearcheck.disclosure.choices import HandbookStatus
    from clearcheck.disclosure.models import HandbookVersion

    revision = HandbookVersion.objects.get(number=2)
    versions = dict(HandbookVersion.objects.values_list("number", "status"))
    assert versions == {1: HandbookStatus.PUBLISHED, 2: HandbookStatus.DRAFT}
    assert revision.updated_by == "scjg_admin" and "原料追溯" in revision.licences
    v1 = HandbookVersion.objects.get(number=1)
    assert v1.items.count() == 8 and v1.no_penalty_entries.count() >= 4

    client = Client()
    page = client.get("/public/handbooks/ejiao/").content.decode()
    assert "药品生产许可证" in page and "食品生产许可证(SC)" in page and "原料追溯" not in page
    assert "SCJG-002" in page and "《失信行为纠正后的信用信息修复管理办法(试行)》" in page
    outcomes = client.get("/public/outcomes/").content.decode()
    assert outcomes.count('href="/public/outcomes/') >= 2  # the demo's two closed inspections
    assert client.get("/public/").status_code == 200
