"""Reference codes: GB/T 2260 administrative divisions and GB/T 4754-2017 industries.

The loaders take the model class, so the data migration passes ``apps.get_model(...)`` and
tests pass the real model; both are idempotent (rows already present are skipped).
"""

import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
_LEVEL_ORDER = {"province": 0, "city": 1, "county": 2, "section": 0, "division": 1, "group": 2, "class": 3}


@cache
def _gb2260() -> dict[str, str]:
    return json.loads((DATA_DIR / "gb2260.json").read_text(encoding="utf-8"))


@cache
def _gbt4754() -> list[dict]:
    return json.loads((DATA_DIR / "gbt4754_2017.json").read_text(encoding="utf-8"))


def region_rows() -> list[dict]:
    """Every GB/T 2260 code with its derived level and parent, parents before children.

    A province is ``XX0000``, a city ``XXXX00``, anything else a county; a county's parent is its
    city when that code exists (province-administered counties have none), else its province.
    """
    codes = _gb2260()
    rows = []
    for code, name in codes.items():
        province = code[:2] + "0000"
        if code.endswith("0000"):
            level, parent = "province", None
        elif code.endswith("00"):
            level, parent = "city", province
        else:
            city = code[:4] + "00"
            level, parent = "county", city if city in codes else province
        rows.append({"code": code, "name": name, "level": level, "parent": parent})
    rows.sort(key=lambda r: (_LEVEL_ORDER[r["level"]], r["code"]))
    return rows


def industry_rows() -> list[dict]:
    """Every GB/T 4754-2017 code of the vendored table, parents before children."""
    return sorted(_gbt4754(), key=lambda r: (_LEVEL_ORDER[r["level"]], r["code"]))


def _load(model, rows: list[dict]) -> int:
    present = set(model.objects.values_list("code", flat=True))
    missing = [
        model(code=r["code"], name=r["name"], level=r["level"], parent_id=r["parent"])
        for r in rows
        if r["code"] not in present
    ]
    # Parents come first in ``rows``, and one bulk insert keeps that order.
    model.objects.bulk_create(missing, batch_size=500, ignore_conflicts=True)
    return len(missing)


def regions_load(region_model) -> int:
    """Load the GB/T 2260 codes into ``region_model``; returns how many were added."""
    return _load(region_model, region_rows())


def industries_load(industry_model) -> int:
    """Load the GB/T 4754-2017 codes into ``industry_model``; returns how many were added."""
    return _load(industry_model, industry_rows())


def reference_codes_ensure() -> None:
    """Make sure the reference tables are loaded (transactional tests flush them)."""
    from .models import Industry, Region

    regions_load(Region)
    industries_load(Industry)
