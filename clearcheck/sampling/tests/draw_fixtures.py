"""Shared fixtures of the draw tests (imported by those modules; no tests here).

``draw_county``: an agency (市场监管) with admin, head and department head, six qualified officers, a
published routine item (not a special sector, so R24 applies) and a special-sector item, 24 operating
enterprises graded B, C and D (8 each) and 2 graded A (low risk: never in a frame, R21), and a pool
over all of them. Everything is built through the services.
"""

import datetime as dt
import itertools

import pytest

from clearcheck.core import clock

_n = itertools.count(1)
KENO = "03,07,11,15,19,22,26,30,34,38,41,45,49,53,57,61,65,69,73,77"
KENO_OTHER = "01,02,03,04,05,06,07,08,09,10,11,12,13,14,15,16,17,18,19,20"


def freeze(monkeypatch, local_day: dt.date, hour: int = 10) -> None:
    """Freeze the platform clock at ``hour`` o'clock Asia/Shanghai on ``local_day``."""
    moment = dt.datetime.combine(local_day, dt.time(hour), tzinfo=clock.LOCAL_TZ).astimezone(dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)


def agency_kit(agency, make_user_plain, make_officer, *, officers: int = 6, prefix: str = "SJ") -> dict:
    """Users, officers and published items of one agency."""
    from clearcheck.catalog import services as catalog

    users = {role: make_user_plain(role, agency=agency)
             for role in ("agency_admin", "agency_head", "department_head", "officer")}
    admin = users["agency_admin"]
    n = next(_n)
    routine = catalog.item_create(actor=admin, code=f"{prefix}{n}-01", name="营业执照和经营范围检查",
                                  legal_basis="《市场主体登记管理条例》第三十八条", object_scope="辖区市场主体",
                                  method="现场检查")
    special = catalog.item_create(actor=admin, code=f"{prefix}{n}-02", name="特种设备安全管理检查",
                                  legal_basis="《特种设备安全法》第五十七条", object_scope="特种设备使用单位",
                                  method="现场检查", special_sector="public_safety")
    catalog.item_list_publish(actor=admin, agency=agency, reason="测试公布")
    routine.refresh_from_db()
    special.refresh_from_db()
    return {"agency": agency, "users": users, "admin": admin, "head": users["agency_head"],
            "department_head": users["department_head"],
            "officers": [make_officer(agency, f"执法员{n}-{k}") for k in range(officers)],
            "routine": routine, "special": special}


def grade(kit: dict, enterprises, tier_code: str) -> None:
    """Grade enterprises in the kit's agency through the tier service."""
    from clearcheck.planning.services.tiers import enterprise_tier_assign

    for enterprise in enterprises:
        enterprise_tier_assign(actor=kit["admin"], agency=kit["agency"], enterprise=enterprise, tier_code=tier_code,
                               reason="测试分级")


@pytest.fixture
def draw_county(make_agency, make_enterprise, make_officer, make_user_plain):
    """See the module docstring."""
    from clearcheck.sampling.services import pool_create

    kit = agency_kit(make_agency("东阿县市场监督管理局"), make_user_plain, make_officer)
    tiers = {code: [make_enterprise(f"东阿县{code}级测试企业{k}") for k in range(8)] for code in ("B", "C", "D")}
    tiers["A"] = [make_enterprise(f"东阿县A级测试企业{k}") for k in range(2)]
    for code, rows in tiers.items():
        grade(kit, rows, code)
    pool = pool_create(actor=kit["admin"], name="全县市场主体", filters={})
    kit.update({"tiers": tiers, "pool": pool, "bureau": make_user_plain("bureau"),
                "enterprises": [e for code in "BCD" for e in tiers[code]]})
    return kit


@pytest.fixture
def make_draw(draw_county):
    """Draft a draw of the county's agency; keyword overrides replace the defaults."""
    from clearcheck.sampling.services import draw_create

    def build(**overrides):
        today = clock.local_today()
        values = {
            "actor": draw_county["admin"], "title": f"2026年第{next(_n)}批双随机抽查",
            "pool_ids": [draw_county["pool"].pk], "item_ids": [draw_county["routine"].pk],
            "window_start": today + dt.timedelta(days=3), "window_end": today + dt.timedelta(days=30),
            "public_source": f"中国福利彩票快乐8 第2026{next(_n):03d}期", "stratify": "tier", "sample_mode": "count",
            "sample": {"B": 2, "C": 2, "D": 2}, "team_size": 2, "max_per_team": 3,
        }
        values.update(overrides)
        return draw_create(**values)

    return build


@pytest.fixture
def selected_draw(draw_county, make_draw):
    """A committed and selected draw; returns (draw, secret)."""
    from clearcheck.sampling.services import draw_commit, draw_select

    draw = make_draw()
    draw, secret = draw_commit(actor=draw_county["admin"], draw_id=draw.pk)
    draw = draw_select(actor=draw_county["admin"], draw_id=draw.pk, secret=secret, public_value=KENO)
    return draw, secret
