"""Shared fixtures of the tier, task, cap and urgent tests (imported by those modules; no tests here).

State is built through the real services: agencies, officers and enterprises through the registry,
items and checklists through the catalog, tasks through ``planning.services.tasks``.
"""

import datetime as dt
import itertools

import pytest

from clearcheck.core import clock

_n = itertools.count(1)

__all__ = ["approved_task", "make_task", "plan_county"]


def freeze(monkeypatch, local_day: dt.date, hour: int = 10) -> None:
    """Freeze the platform clock at ``hour`` o'clock Asia/Shanghai on ``local_day``."""
    moment = dt.datetime.combine(local_day, dt.time(hour), tzinfo=clock.LOCAL_TZ).astimezone(dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)


@pytest.fixture
def plan_county(make_agency, make_enterprise, make_officer, make_user_plain):
    """An agency with admin, head and department head, two qualified officers, two published items
    (one with an item cap of 1; both of special sectors, so routine tasks need no draw, R24), a
    published checklist, and two enterprises.
    """
    from clearcheck.catalog import services as catalog

    agency = make_agency("东阿县市场监督管理局")
    users = {role: make_user_plain(role, agency=agency)
             for role in ("agency_admin", "agency_head", "department_head", "officer")}
    admin = users["agency_admin"]
    food = catalog.item_create(actor=admin, code="SCJG-001", name="食品生产许可条件保持情况检查",
                               legal_basis="《食品安全法》第一百一十条", object_scope="食品生产企业", method="现场检查",
                               special_sector="life_health")
    boiler = catalog.item_create(actor=admin, code="SCJG-002", name="特种设备安全管理检查", annual_cap=1,
                                 legal_basis="《特种设备安全法》第五十七条", object_scope="特种设备使用单位",
                                 method="现场检查", special_sector="public_safety")
    catalog.item_list_publish(actor=admin, agency=agency, reason="首次公布")
    food.refresh_from_db()
    boiler.refresh_from_db()
    checklist = catalog.checklist_create(actor=admin, code=f"BD-{next(_n)}", name="阿胶生产企业检查表",
                                         object_type="食品生产企业")
    catalog.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=food.pk, content="查看许可证")
    catalog.checklist_publish(actor=admin, checklist_id=checklist.pk)
    checklist.refresh_from_db()
    return {
        "agency": agency, "users": users, "admin": admin, "head": users["agency_head"],
        "department_head": users["department_head"], "officers": [make_officer(agency, "张明"), make_officer(agency, "王芳")],
        "items": {"food": food, "boiler": boiler}, "checklist": checklist,
        "enterprise": make_enterprise("东阿阿胶股份有限公司"), "other_enterprise": make_enterprise(),
        "bureau": make_user_plain("bureau"),
    }


@pytest.fixture
def make_task(plan_county):
    """Draft a task through ``task_create``; keyword overrides replace the defaults."""
    from clearcheck.planning.services.tasks import task_create

    def build(**overrides):
        today = clock.local_today()
        values = {
            "actor": plan_county["admin"], "agency": plan_county["agency"], "enterprise": plan_county["enterprise"],
            # 个案检查 by default: a routine one needs a draw unless its items are of a special sector (R24).
            "inspection_type": "case", "source": "annual_plan", "items": [plan_county["items"]["food"]],
            "officers": plan_county["officers"], "window_start": today + dt.timedelta(days=1),
            "window_end": today + dt.timedelta(days=10), "checklist": plan_county["checklist"],
            "notice": "请备好食品生产许可证",
        }
        values.update(overrides)
        return task_create(**values)

    return build


@pytest.fixture
def approved_task(plan_county, make_task):
    """Create, submit and approve a task (the agency head approves); returns the task."""
    from clearcheck.planning.services.tasks import task_approve, task_submit

    def build(**overrides):
        task = make_task(**overrides)
        task_submit(actor=plan_county["admin"], task_id=task.pk)
        return task_approve(actor=plan_county["head"], task_id=task.pk)

    return build


def tier_set(plan_county, code: str, enterprise=None):
    """Grade the enterprise by hand in the agency's scheme."""
    from clearcheck.planning.services.tiers import enterprise_tier_assign

    return enterprise_tier_assign(actor=plan_county["admin"], agency=plan_county["agency"],
                                  enterprise=enterprise or plan_county["enterprise"], tier_code=code,
                                  reason="测试评定")
