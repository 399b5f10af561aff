"""Fixtures of the plan tests (annual and special plans): one agency with its admin and published items, its
annual plan, the county government."""

import pytest

from clearcheck.planning.services import plans as plan_services

from .test_annual_plans import PLAN_FIELDS, publish_items


@pytest.fixture
def agency(make_agency):
    return make_agency("东阿县市场监督管理局")


@pytest.fixture
def admin(make_user, agency):
    return make_user("agency_admin", agency=agency)


@pytest.fixture
def government(make_user):
    return make_user("government")


@pytest.fixture
def items(admin, agency):
    return publish_items(admin, agency, "SCJG-001", "SCJG-002")


@pytest.fixture
def plan(admin, agency, items):
    return plan_services.annual_plan_create(actor=admin, agency=agency, year=2026, **PLAN_FIELDS)
