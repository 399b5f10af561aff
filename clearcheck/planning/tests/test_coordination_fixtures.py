"""Builders shared by the coordination tests, the route crawl and the browser journey (no tests here).

Everything goes through the real services: users (accounts), officers (registry), published items
(catalog), draft tasks (``planning.services.tasks.task_create``).
"""

import datetime as dt
import itertools

import pytest

from clearcheck.core import clock

PASSWORD = "Qingjian-2025!"
_n = itertools.count(1)


def agency_kit(agency, *, bureau, admin=None, head=None, items: int = 2, officers=None) -> dict:
    """An agency ready to plan: admin and head accounts, ``items`` published items, two qualified officers.

    Given ``officers`` (e.g. one existing officer), they are used instead, and the items record a legal
    basis for a single officer (R14's exception) so that one is enough.
    """
    from clearcheck.accounts.services import user_create
    from clearcheck.catalog import services as catalog
    from clearcheck.registry.services import officer_create

    n = next(_n)
    admin = admin or user_create(actor=None, username=f"coord-admin-{agency.pk}-{n}", password=PASSWORD,
                                 role="agency_admin", display_name="统筹测试管理员", agency=agency)
    head = head or user_create(actor=None, username=f"coord-head-{agency.pk}-{n}", password=PASSWORD,
                               role="agency_head", display_name="统筹测试负责人", agency=agency)
    made = [catalog.item_create(actor=admin, code=f"XT{agency.pk}-{n}-{k}", name=f"{agency.name}检查事项{k}",
                                legal_basis="《优化营商环境条例》第五十四条", object_scope="辖区企业", method="现场检查",
                                special_sector="public_safety",  # routine tasks without a draw (R24)
                                single_officer_basis="《行政处罚法》第四十二条 法律另有规定" if officers else "")
            for k in range(1, items + 1)]
    catalog.item_list_publish(actor=admin, agency=agency, reason="统筹测试公布")
    for item in made:
        item.refresh_from_db()
    today = clock.local_today()
    officers = list(officers) if officers else [officer_create(actor=bureau, agency=agency, name=f"执法员{n}{k}", credential_no=f"3715249{n:04d}{k:03d}",
                               valid_from=(today - dt.timedelta(days=365)).isoformat(),
                               valid_to=(today + dt.timedelta(days=365)).isoformat())
                for k in (1, 2)]
    return {"agency": agency, "admin": admin, "head": head, "items": made, "officers": officers}


def task_make(kit: dict, enterprise, start: dt.date, end: dt.date, *, source: str = "annual_plan", items=None,
              inspection_type: str | None = None):
    """A draft task of ``kit``'s agency through ``task_create``."""
    from clearcheck.planning.services.tasks import task_create

    kind = inspection_type or {"annual_plan": "routine", "draw": "routine", "special_plan": "special"}.get(source, "case")
    return task_create(actor=kit["admin"], agency=kit["agency"], enterprise=enterprise, inspection_type=kind,
                       source=source, items=items or kit["items"][:1], officers=kit["officers"],
                       window_start=start, window_end=end, notice="请配合检查")


@pytest.fixture
def coord(make_agency, make_enterprise, make_user_plain):
    """Two agencies (市场监管, 应急) ready to plan, a third one, two enterprises, the bureau, and ``day(n)``:
    a date n days after a base 30 days ahead (so every window is in the future and officers are valid).
    """
    bureau = make_user_plain("bureau")
    market = agency_kit(make_agency("东阿县市场监督管理局"), bureau=bureau)
    safety = agency_kit(make_agency("东阿县应急管理局"), bureau=bureau)
    base = clock.local_today() + dt.timedelta(days=30)
    return {
        "bureau": bureau, "market": market, "safety": safety,
        "enterprise": make_enterprise("东阿阿胶股份有限公司"), "other_enterprise": make_enterprise("东阿县鑫源阿胶有限公司"),
        "base": base, "day": lambda n: base + dt.timedelta(days=n),
    }
