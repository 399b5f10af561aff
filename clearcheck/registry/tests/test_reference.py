"""Reference codes loaded by the data migration (GB/T 2260, GB/T 4754-2017)."""

import json

import pytest

from clearcheck.registry.models import Industry, Region
from clearcheck.registry.reference import (
    DATA_DIR,
    industries_load,
    industry_rows,
    reference_codes_ensure,
    region_rows,
    regions_load,
)


@pytest.mark.django_db
def test_migration_loaded_donge_county_with_its_city():
    donge = Region.objects.get(code="371524")
    assert donge.name == "东阿县"
    assert donge.level == "county"
    assert donge.parent_id == "371500"
    assert donge.parent.name == "聊城市"
    assert donge.parent.level == "city"
    assert donge.parent.parent_id == "370000"
    assert Region.objects.count() == len(json.loads((DATA_DIR / "gb2260.json").read_text()))


@pytest.mark.django_db
def test_migration_loaded_ejiao_industry_class_with_its_ancestors():
    ejiao = Industry.objects.get(code="2740")
    assert ejiao.name == "中成药生产"
    assert ejiao.level == "class"
    assert [ejiao.parent_id, ejiao.parent.parent_id, ejiao.parent.parent.parent_id] == ["274", "27", "C"]
    assert Industry.objects.get(code="2730").name == "中药饮片加工"


def test_industry_table_is_complete_at_section_and_division_level():
    rows = industry_rows()
    sections = [r for r in rows if r["level"] == "section"]
    divisions = [r for r in rows if r["level"] == "division"]
    assert [r["code"] for r in sections] == list("ABCDEFGHIJKLMNOPQRST")
    assert [r["code"] for r in divisions] == [f"{n:02d}" for n in range(1, 98)]
    codes = {r["code"] for r in rows}
    for code in ("1391", "1411", "1431", "1461", "5221", "5251", "6110", "6210", "2740", "2730"):
        assert code in codes
    assert all(r["parent"] is None or r["parent"] in codes for r in rows)
    by_code = {r["code"]: r for r in rows}
    assert by_code["13"]["parent"] == "C" and by_code["51"]["parent"] == "F" and by_code["62"]["parent"] == "H"


def test_region_levels_and_parents_are_derived():
    rows = {r["code"]: r for r in region_rows()}
    assert rows["370000"]["level"] == "province" and rows["370000"]["parent"] is None
    assert rows["371500"] == {"code": "371500", "name": "聊城市", "level": "city", "parent": "370000"}
    # A county whose XXXX00 city code does not exist hangs under its province.
    orphan = next(r for r in rows.values() if r["level"] == "county" and r["code"][:4] + "00" not in rows)
    assert orphan["parent"] == orphan["code"][:2] + "0000"


@pytest.mark.django_db
def test_loaders_are_idempotent():
    assert regions_load(Region) == 0
    assert industries_load(Industry) == 0


@pytest.mark.django_db(transaction=True)
def test_reference_codes_ensure_reloads_after_a_flush():
    Region.objects.filter(level="county", code__startswith="37").delete()
    reference_codes_ensure()
    assert Region.objects.get(code="371524").parent_id == "371500"
    assert Industry.objects.filter(code="2740").exists()
